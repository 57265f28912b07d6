"""Run directories, the unit users keep.

``config.json`` (dataset, model, training), ``model.safetensors`` (weights of the last completed
epoch), ``metrics.json`` (one entry per epoch) and ``training_state.safetensors`` (weights,
optimizer state and shuffling RNG, so ``--resume`` continues exactly). Every file is written
atomically after each epoch, so a kill at any moment leaves the last completed epoch loadable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch

from . import __version__
from .checkpoint import check_state_dict, load_tensors, save_tensors
from .data import Dataset, load_dataset
from .errors import CheckpointError, ConfigError
from .files import atomic_write_json
from .models import MLP, MLPConfig
from .train import TrainConfig, TrainingState, pick_device, train

CONFIG, MODEL, METRICS, STATE = "config.json", "model.safetensors", "metrics.json", "training_state.safetensors"


@dataclass
class Run:
    """A trained (or training) network with everything needed to recompute its figures."""

    path: Path
    model: torch.nn.Module  # an MLP here; ConvNets and linear classifiers in ``module_runs``
    training: object | None  # the model's training configuration; None for imported weights
    dataset: dict
    history: list[dict] = field(default_factory=list)

    @property
    def epoch(self) -> int:
        return self.history[-1]["epoch"] if self.history else 0

    def load_data(self, data_dir=None, *, train_size=None, test_size=None, progress: bool = True) -> Dataset:
        """The dataset the run was trained on (by default the same slice sizes)."""
        return load_dataset(self.dataset["name"], data_dir,
                            train_size=train_size or self.dataset.get("train_size"),
                            test_size=test_size or self.dataset.get("test_size"), progress=progress)

    def load_test_set(self, data_dir=None, *, test_size=None, progress: bool = True) -> Dataset:
        """The run's test images, for analyses that look at nothing else (one training image comes along)."""
        return self.load_data(data_dir, train_size=1, test_size=test_size, progress=progress)


def run_kind(path: str | Path) -> str:
    """What a run directory holds: ``mlp`` (also runs saved before kinds were recorded), ``convnet``,
    ``linear`` or ``char-rnn``."""
    return str(_read_json(Path(path) / CONFIG).get("kind", "mlp"))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{path}: not found; is {path.parent} a neuronscope run directory?") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    return data


def write_config(path: Path, model: MLPConfig, training: TrainConfig | None, dataset: dict) -> None:
    atomic_write_json(path / CONFIG, {"neuronscope": __version__, "dataset": dataset, "model": model.to_json(),
                                      "training": training.to_json() if training else None})


def save_model(path: Path, model: MLP, epoch: int) -> None:
    save_tensors(path / MODEL, model.state_dict(), {"model": model.config.to_json(), "epoch": epoch})


def _load_weights(file: Path, model: torch.nn.Module, prefix: str = "") -> dict:
    """Load ``model``'s weights (those under ``prefix``) from ``file``, refusing a file saved for
    another model than ``model.config`` describes; returns the file's tensors and metadata."""
    tensors, meta = load_tensors(file)
    if meta.get("model") != model.config.to_json():
        raise CheckpointError(f"{file}: saved for model {meta.get('model')}, but config.json describes "
                              f"{model.config.to_json()}")
    weights = {k.removeprefix(prefix): v for k, v in tensors.items() if k.startswith(prefix)}
    check_state_dict(file, weights, model.state_dict())
    model.load_state_dict(weights)
    return {"tensors": tensors, "meta": meta}


def load_run(path: str | Path, device: str | None = "cpu") -> Run:
    """Open a run directory; refuse it if any file is missing, corrupt or does not fit the others."""
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(f"{path}: no such run directory")
    model_config, training, dataset = _read_config(path, lambda config: (
        MLPConfig.from_json(config["model"]),
        TrainConfig.from_json(config["training"]) if config.get("training") else None,
        dict(config["dataset"])))
    return Run(path, _load_model(path, MLP(model_config), device), training, dataset, _read_history(path))


def _read_config(path: Path, parse):
    """``parse`` applied to the run's config.json; a missing or malformed entry means a damaged run."""
    config = _read_json(path / CONFIG)
    try:
        return parse(config)
    except (KeyError, TypeError, ConfigError) as e:
        raise CheckpointError(f"{path / CONFIG}: malformed ({e})") from None


def _load_model(path: Path, model: torch.nn.Module, device: str | None) -> torch.nn.Module:
    """``model`` with the run's saved weights, on ``device``, in evaluation mode."""
    _load_weights(path / MODEL, model)
    return model.to(pick_device(device)).eval()


def _read_history(path: Path) -> list[dict]:
    return _read_json(path / METRICS).get("history", []) if (path / METRICS).exists() else []


def _save_epoch(path: Path, model: MLP, history: list[dict], state: TrainingState) -> None:
    save_model(path, model, state.epoch)
    atomic_write_json(path / METRICS, {"history": history})
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    tensors.update({f"optimizer.{k}": v for k, v in state.optimizer.items()})
    tensors["rng"] = state.rng
    save_tensors(path / STATE, tensors, {"model": model.config.to_json(), "epoch": state.epoch})


def _load_state(path: Path, model: MLP) -> TrainingState:
    loaded = _load_weights(path / STATE, model, prefix="model.")
    tensors = loaded["tensors"]
    optimizer = {k.removeprefix("optimizer."): v for k, v in tensors.items() if k.startswith("optimizer.")}
    return TrainingState(epoch=int(loaded["meta"]["epoch"]), optimizer=optimizer, rng=tensors.pop("rng"))


def train_run(path: str | Path, data: Dataset, model_config: MLPConfig, training: TrainConfig, *,
              resume: bool = False, overwrite: bool = False, device: str | None = None,
              progress: bool = True) -> Run:
    """Train a network into run directory ``path``, saving after every epoch.

    With ``resume``, continue the run already in ``path`` from its last completed epoch (its
    saved configuration wins, except ``training.epochs``, which may extend it).
    """
    path = Path(path)
    _remove_stale_temporaries(path)
    dataset = data.summary()
    history: list[dict] = []
    state = None
    if resume:
        existing = load_run(path, device="cpu")
        model_config, dataset = existing.model.config, existing.dataset
        training = TrainConfig.from_json({**existing.training.to_json(), "epochs": training.epochs})
        model = MLP(model_config)
        state = _load_state(path, model)
        history = [h for h in existing.history if h["epoch"] <= state.epoch]
        if state.epoch >= training.epochs:
            raise ConfigError(f"{path} already trained {state.epoch} of {training.epochs} epochs; "
                              f"pass a larger --epochs to continue")
    else:
        if (path / CONFIG).exists() and not overwrite:
            raise ConfigError(f"{path} already holds a run; use --resume to continue it, --overwrite to replace it")
        model = MLP(model_config).reset_parameters(training.init, training.seed)
        path.mkdir(parents=True, exist_ok=True)
        for stale in (STATE, METRICS):
            (path / stale).unlink(missing_ok=True)
        write_config(path, model_config, training, dataset)
        save_model(path, model, epoch=0)
    model.to(pick_device(device))

    def on_epoch(metrics: dict, new_state: TrainingState) -> None:
        history.append(metrics)
        _save_epoch(path, model, history, new_state)

    train(model, data, training, state=state, on_epoch=on_epoch, progress=progress)
    return Run(path, model.eval(), training, dataset, history)


def save_trained(path: str | Path, model: MLP, training: TrainConfig, dataset: dict, history: list[dict]) -> Run:
    """Write a run trained elsewhere (say, together with others) as a complete run directory.

    The configuration goes last, so a directory whose config.json is present is complete.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    (path / STATE).unlink(missing_ok=True)
    save_model(path, model, history[-1]["epoch"] if history else 0)
    atomic_write_json(path / METRICS, {"history": history})
    write_config(path, model.config, training, dataset)
    return Run(path, model.eval(), training, dataset, history)


def _remove_stale_temporaries(path: Path) -> None:
    """Drop half-written files that a killed process left behind (complete files are never touched)."""
    if path.is_dir():
        for stale in path.glob(".*.tmp"):
            stale.unlink(missing_ok=True)


def import_weights(npz_path: str | Path, out: str | Path, *, activation: str = "sigmoid", output: str = "sigmoid",
                   image_shape: tuple[int, int] | None = None, dataset: str | None = None,
                   overwrite: bool = False) -> Run:
    """Make a run from NumPy arrays ``w0, b0, w1, b1, ...`` with weights in (out, in) orientation.

    Biases may be (out,) or (out, 1), as in the classic NumPy textbook networks.
    """
    import numpy as np

    npz_path, out = Path(npz_path), Path(out)
    try:
        with np.load(npz_path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except FileNotFoundError:
        raise CheckpointError(f"{npz_path}: file not found") from None
    except (ValueError, OSError) as e:
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
    if (out / CONFIG).exists() and not overwrite:
        raise ConfigError(f"{out} already holds a run; pass --overwrite to replace it")
    dataset = {"name": dataset or {784: "mnist", 64: "digits"}.get(layers[0], "mnist"), "imported_from": str(npz_path)}
    out.mkdir(parents=True, exist_ok=True)
    write_config(out, model.config, None, dataset)
    save_model(out, model, epoch=0)
    atomic_write_json(out / METRICS, {"history": []})
    return Run(out, model.eval(), None, dataset, [])


def _square_shape(n: int, source: Path) -> tuple[int, int]:
    side = round(n**0.5)
    if side * side != n:
        raise ConfigError(f"{source}: {n} inputs is not a square image; pass --image-shape HEIGHT,WIDTH")
    return (side, side)
