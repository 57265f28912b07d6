"""Runs made from weights trained elsewhere: NumPy arrays in the classic textbook layout."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch

from ..errors import CheckpointError, ConfigError
from ..models import MLP, MLPConfig
from .kinds import KINDS
from .run import Run
from .writer import RunWriter


def import_weights(npz_path: str | Path, out: str | Path, *, activation: str = "sigmoid", output: str = "sigmoid",
                   image_shape: tuple[int, int] | None = None, dataset: str | None = None,
                   overwrite: bool = False) -> Run:
    """Make a run from NumPy arrays ``w0, b0, w1, b1, ...`` with weights in (out, in) orientation.

    Biases may be (out,) or (out, 1), as in the classic NumPy textbook networks.
    """
    npz_path, out = Path(npz_path), Path(out)
    try:
        with np.load(npz_path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except FileNotFoundError:
        raise CheckpointError(f"{npz_path}: file not found") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise CheckpointError(f"{npz_path}: not a NumPy .npz archive of plain arrays ({e})") from None
    depth = sum(1 for k in arrays if k.startswith("w"))
    expected = {f"{p}{i}" for i in range(depth) for p in "wb"}
    if depth == 0 or set(arrays) != expected:
        raise CheckpointError(f"{npz_path}: expected arrays {sorted(expected) or ['w0', 'b0', '...']}, "
                              f"found {sorted(arrays)}")
    weights = [arrays[f"w{i}"] for i in range(depth)]
    biases = [arrays[f"b{i}"].reshape(-1) if arrays[f"b{i}"].ndim == 2 and arrays[f"b{i}"].shape[1] == 1
              else arrays[f"b{i}"] for i in range(depth)]
    layers = [weights[0].shape[1] if weights[0].ndim == 2 else -1]
    for i, (w, b) in enumerate(zip(weights, biases)):
        if w.ndim != 2 or w.shape[1] != layers[-1]:
            raise CheckpointError(f"{npz_path}: w{i} has shape {w.shape}, expected (out, {layers[-1]})")
        if b.shape != (w.shape[0],):
            raise CheckpointError(f"{npz_path}: b{i} has shape {arrays[f'b{i}'].shape}, expected ({w.shape[0]},)")
        if not (np.issubdtype(w.dtype, np.number) and np.isfinite(w).all() and np.isfinite(b).all()):
            raise CheckpointError(f"{npz_path}: w{i}/b{i} hold non-numeric, NaN or infinite values")
        layers.append(w.shape[0])
    image_shape = image_shape or _square_shape(layers[0], npz_path)
    model = MLP(MLPConfig(tuple(layers), activation, output, image_shape))
    with torch.no_grad():
        for layer, w, b in zip(model.layers, weights, biases):
            layer.weight.copy_(torch.as_tensor(w, dtype=torch.float32))
            layer.bias.copy_(torch.as_tensor(b, dtype=torch.float32))
    dataset = {"name": dataset or {784: "mnist", 64: "digits"}.get(layers[0], "mnist"), "imported_from": str(npz_path)}
    RunWriter(out, KINDS["mlp"]).begin(model, None, dataset, overwrite=overwrite, position={"epoch": 0})
    return Run(out, "mlp", model.eval(), None, dataset, [])


def _square_shape(n: int, source: Path) -> tuple[int, int]:
    side = round(n**0.5)
    if side * side != n:
        raise ConfigError(f"{source}: {n} inputs is not a square image; pass --image-shape HEIGHT,WIDTH")
    return (side, side)
