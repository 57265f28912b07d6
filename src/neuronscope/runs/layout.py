"""The files of a run directory and how they are read: every JSON file must be an object, and a
missing or malformed one is reported as a damaged run, never as a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import CheckpointError

CONFIG, MODEL, METRICS, STATE = "config.json", "model.safetensors", "metrics.json", "training_state.safetensors"
SNAPSHOTS = "snapshots"  # with --snapshots: the weights after every epoch, epoch 0 being the untrained network


def snapshot_file(path: Path, epoch: int) -> Path:
    return path / SNAPSHOTS / f"epoch-{epoch:04d}.safetensors"


def snapshot_epochs(path: Path) -> list[int]:
    """The epochs whose weights a run kept, in order."""
    epochs = []
    for file in (path / SNAPSHOTS).glob("epoch-*.safetensors"):
        number = file.name.removeprefix("epoch-").removesuffix(".safetensors")
        if number.isdigit():
            epochs.append(int(number))
    return sorted(epochs)


def read_json(path: Path) -> dict:
    if path.exists() and not path.is_file():  # a FIFO would block the reader forever
        raise CheckpointError(f"{path}: not a regular file")
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{path}: not found; is {path.parent} a neuronscope run directory?") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        raise CheckpointError(f"{path}: not valid JSON ({str(e).splitlines()[0][:200]})") from None
    except OSError as e:
        raise CheckpointError(f"{path}: cannot be read ({e.strerror})") from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    return data


def read_history(path: Path) -> list[dict]:
    """The run's metrics, one entry per epoch or checkpoint; none before the first is written."""
    if not (path / METRICS).exists():
        return []
    history = read_json(path / METRICS).get("history", [])
    if not isinstance(history, list) or not all(isinstance(entry, dict) for entry in history):
        raise CheckpointError(f"{path / METRICS}: 'history' must be a list of objects")
    return history


def remove_stale_temporaries(path: Path) -> None:
    """Drop half-written files that a killed process left behind: ours (``.NAME.XXXX.tmp``) and the
    safetensors writer's own (``.tmpXXXXXX``); complete files are never touched."""
    if path.is_dir():
        for stale in (*path.glob(".*.tmp"), *path.glob(".tmp*")):
            if stale.is_file():
                stale.unlink(missing_ok=True)
