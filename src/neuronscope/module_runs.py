"""Run directories of image models trained with autograd: ConvNets and linear classifiers. The same
files as dense-network runs (``config.json`` with the model's ``kind``, ``model.safetensors``,
``metrics.json``), written atomically after every epoch, so a kill leaves the last epoch loadable."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import __version__
from .checkpoint import save_tensors
from .data import Dataset
from .errors import CheckpointError, ConfigError
from .files import atomic_write_json
from .models import ConvNet, ConvNetConfig, LinearClassifier, LinearConfig
from .runs import (CONFIG, METRICS, MODEL, Run, _load_model, _read_config, _read_history, _remove_stale_temporaries,
                   load_run, run_kind)
from .train.loop import pick_device
from .train.module_loop import ModuleTrainConfig, train_module

MODELS = {"convnet": (ConvNetConfig, ConvNet), "linear": (LinearConfig, LinearClassifier)}


def build_model(config: ConvNetConfig | LinearConfig) -> nn.Module:
    return MODELS[config.to_json()["kind"]][1](config)


def load_module_run(path: str | Path, device: str | None = "cpu") -> Run:
    """Open a ConvNet or linear-classifier run; refuse it if any file is missing, corrupt or does not fit."""
    path = Path(path)
    kind = run_kind(path)
    if kind not in MODELS:
        raise CheckpointError(f"{path}: not a ConvNet or linear-classifier run (kind {kind!r})")
    model_config, training, dataset = _read_config(path, lambda config: (
        MODELS[kind][0].from_json(config["model"]), ModuleTrainConfig.from_json(config["training"]),
        dict(config["dataset"])))
    return Run(path, _load_model(path, build_model(model_config), device), training, dataset, _read_history(path))


def train_module_run(path: str | Path, data: Dataset, model_config: ConvNetConfig | LinearConfig,
                     training: ModuleTrainConfig, *, overwrite: bool = False, device: str | None = None,
                     progress: bool = True) -> Run:
    """Train a fresh model into ``path``, saving weights and metrics after every epoch."""
    path = Path(path)
    if (path / CONFIG).exists() and not overwrite:
        raise ConfigError(f"{path} already holds a run; pass --overwrite to replace it")
    _check_fits(data, model_config)
    _remove_stale_temporaries(path)
    torch.manual_seed(training.seed)
    model = build_model(model_config).to(pick_device(device))
    path.mkdir(parents=True, exist_ok=True)
    (path / METRICS).unlink(missing_ok=True)
    kind = model_config.to_json()["kind"]
    atomic_write_json(path / CONFIG, {"neuronscope": __version__, "kind": kind, "dataset": data.summary(),
                                      "model": model_config.to_json(), "training": training.to_json()})
    history: list[dict] = []

    def save(metrics: dict) -> None:
        history.append(metrics)
        save_tensors(path / MODEL, model.state_dict(), {"model": model_config.to_json(), "epoch": metrics["epoch"]})
        atomic_write_json(path / METRICS, {"history": history})

    train_module(model, data, training, on_epoch=save, progress=progress)
    return Run(path, model.eval(), training, data.summary(), history)


def _check_fits(data: Dataset, config: ConvNetConfig | LinearConfig) -> None:
    channels, *size = data.tensor_shape
    if tuple(size) != tuple(config.image_shape) or channels != config.in_channels:
        raise ConfigError(f"the model takes {config.in_channels}-channel {list(config.image_shape)} images, "
                          f"{data.name} has {channels}-channel {size}")
    if data.num_classes != config.classes:
        raise ConfigError(f"the model has {config.classes} classes, {data.name} {data.num_classes}")


def load_image_run(path: str | Path, device: str | None = "cpu") -> Run:
    """Any run of an image model: a dense network, a ConvNet or a linear classifier."""
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(f"{path}: no such run directory")
    kind = run_kind(path)
    if kind in MODELS:
        return load_module_run(path, device)
    if kind == "mlp":
        return load_run(path, device)
    raise CheckpointError(f"{path}: holds a {kind} run, not an image model")
