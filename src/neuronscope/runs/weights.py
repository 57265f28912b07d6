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
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from ..errors import CheckpointError
from ..files import atomic_write

FORMAT = "neuronscope"


def tensor_digest(tensors: dict[str, torch.Tensor]) -> str:
    digest = hashlib.sha256()
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        digest.update(f"{name}:{t.dtype}:{list(t.shape)};".encode())
        digest.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return digest.hexdigest()


def save_tensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict) -> None:
    """Atomically write ``tensors`` with ``metadata`` (JSON-able values) and their digest."""
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
    path = Path(path)
    read_header(path)
    try:
        with safe_open(str(path), framework="pt") as f:
            raw_meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{path}: not a readable safetensors file ({str(e).splitlines()[0]})") from None
    if raw_meta.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a neuronscope weights file (no '{FORMAT}' format marker)")
    if tensor_digest(tensors) != raw_meta.get("sha256"):
        raise CheckpointError(f"{path}: tensors do not match their recorded sha256 (modified after saving)")
    try:
        meta = {k: json.loads(v) for k, v in raw_meta.items() if k not in ("format", "sha256")}
    except json.JSONDecodeError:
        raise CheckpointError(f"{path}: metadata is not valid JSON") from None
    return tensors, meta


def check_state_dict(path: Path, tensors: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> None:
    """Refuse tensors whose names, shapes or values do not fit a model's ``state_dict``."""
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise CheckpointError(f"{path}: tensors do not fit the model (missing {missing}, unexpected {extra})")
    for name, want in expected.items():
        got = tensors[name]
        if tuple(got.shape) != tuple(want.shape):
            raise CheckpointError(f"{path}: {name} has shape {tuple(got.shape)}, the model needs {tuple(want.shape)}")
        if got.is_floating_point() != want.is_floating_point() or (got.is_floating_point()
                                                                   and not torch.isfinite(got).all()):
            raise CheckpointError(f"{path}: {name} holds non-finite or non-float values")
