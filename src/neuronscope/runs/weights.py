"""Weights files: safetensors with a metadata block that says what model they belong to and a digest
of their tensors, so a swapped, edited or truncated file is refused instead of silently loaded.

Only safetensors are ever read: a pickle (including PyTorch's ``torch.save`` zip format) can run
arbitrary code when loaded. A file is accepted only when it starts the way safetensors files do (an
8-byte little-endian header length, then a JSON object of that length); anything else is refused
before any other reader sees it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from safetensors import SafetensorError, safe_open

from ..errors import CheckpointError
from ..files import atomic_write

if TYPE_CHECKING:
    import torch

FORMAT = "neuronscope"


def _digest(entries: Iterable[tuple[str, str, list[int], bytes]]) -> str:
    """sha256 over (name, dtype as torch names it, shape, raw bytes), in name order."""
    digest = hashlib.sha256()
    for name, dtype, shape, data in sorted(entries, key=lambda entry: entry[0]):
        digest.update(f"{name}:{dtype}:{shape};".encode())
        digest.update(data)
    return digest.hexdigest()


def tensor_digest(tensors: dict[str, torch.Tensor]) -> str:
    import torch

    def raw(t: torch.Tensor) -> bytes:
        return t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""

    contiguous = {name: t.detach().cpu().contiguous() for name, t in tensors.items()}
    return _digest((name, str(t.dtype), list(t.shape), raw(t)) for name, t in contiguous.items())


def array_digest(arrays: dict[str, np.ndarray]) -> str:
    """:func:`tensor_digest` of the same values held as NumPy arrays."""
    return _digest((name, f"torch.{a.dtype.name}", list(a.shape), np.ascontiguousarray(a).tobytes())
                   for name, a in arrays.items())


def save_tensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict) -> None:
    """Atomically write ``tensors`` with ``metadata`` (JSON-able values) and their digest."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in tensors.items()}
    meta = {"format": FORMAT, "sha256": tensor_digest(tensors)}
    meta.update({k: json.dumps(v) for k, v in metadata.items()})
    atomic_write(path, lambda tmp: save_file(tensors, str(tmp), metadata=meta))


MAX_HEADER_BYTES = 100_000_000  # the safetensors library's own limit


def read_header(path: str | Path) -> dict:
    """The JSON header of a safetensors file (tensor names -> dtype, shape, offsets); any file that does not
    open like a safetensors file is refused, pickles named for what they are."""
    path = Path(path)
    if path.exists() and not path.is_file():
        raise CheckpointError(f"{path}: not a regular file")
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            length = int.from_bytes(head, "little") if len(head) == 8 else -1
            header = f.read(length) if 2 <= length <= MAX_HEADER_BYTES else b""
    except FileNotFoundError:
        raise CheckpointError(f"{path}: file not found") from None
    if len(header) == length and header[:1] == b"{":
        try:
            parsed = json.loads(header)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    if head[:1] == b"\x80" or head[:2] == b"PK":
        raise CheckpointError(f"{path}: is a pickle or torch.save file; neuronscope loads only safetensors "
                              f"(unpickling can run arbitrary code)")
    raise CheckpointError(f"{path}: not a readable safetensors file (no valid header)")


def load_tensors(path: str | Path) -> tuple[dict[str, torch.Tensor], dict]:
    """Read a file written by :func:`save_tensors`; verify its format marker and digest."""
    return _load(path, "pt", tensor_digest)


def load_arrays(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """:func:`load_tensors` into NumPy arrays, without loading PyTorch."""
    return _load(path, "numpy", array_digest)


def _load(path: str | Path, framework: str, digest) -> tuple[dict, dict]:
    path = Path(path)
    read_header(path)
    try:
        with safe_open(str(path), framework=framework) as f:
            raw_meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except (SafetensorError, OSError, ValueError, RuntimeError, TypeError) as e:
        raise CheckpointError(f"{path}: not a readable safetensors file ({str(e).splitlines()[0]})") from None
    if raw_meta.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a neuronscope weights file (no '{FORMAT}' format marker)")
    if digest(tensors) != raw_meta.get("sha256"):
        raise CheckpointError(f"{path}: tensors do not match their recorded sha256 (modified after saving)")
    try:
        meta = {k: json.loads(v) for k, v in raw_meta.items() if k not in ("format", "sha256")}
    except json.JSONDecodeError:
        raise CheckpointError(f"{path}: metadata is not valid JSON") from None
    return tensors, meta


def check_state_dict(path: Path, tensors: dict, expected: dict[str, tuple[tuple[int, ...], bool]]) -> None:
    """Refuse tensors (torch or NumPy) whose names, shapes or values do not fit ``expected``: each name's
    shape and whether it holds floats, as a model's ``state_dict`` has them."""
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise CheckpointError(f"{path}: tensors do not fit the model (missing {missing}, unexpected {extra})")
    for name, (shape, floating) in expected.items():
        got = tensors[name]
        if tuple(got.shape) != tuple(shape):
            raise CheckpointError(f"{path}: {name} has shape {tuple(got.shape)}, the model needs {tuple(shape)}")
        if _floating(got) != floating or (floating and not _finite(got)):
            raise CheckpointError(f"{path}: {name} holds non-finite or non-float values")


def _floating(values) -> bool:
    return np.issubdtype(values.dtype, np.floating) if isinstance(values, np.ndarray) else values.is_floating_point()


def _finite(values) -> bool:
    if isinstance(values, np.ndarray):
        return bool(np.isfinite(values).all())
    import torch

    return bool(torch.isfinite(values).all())
