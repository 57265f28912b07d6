"""Training the many networks of an experiment: grouped so that each group trains as one packed
computation, groups spread over processes or a Ray cluster, each network saved as an ordinary run
directory as soon as its group finishes, and networks already trained skipped on a re-run."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from ..data import Dataset, load_dataset
from ..models.mlp import MLP, MLPConfig
from ..runs import CONFIG, METRICS, save_trained
from ..training.config import TrainConfig
from ..training.packed import train_packed
from .parallel import run_tasks


@dataclass(frozen=True)
class DataSpec:
    """Which data to train on; workers load it themselves (on a cluster, from their own disk)."""

    name: str = "mnist"
    data_dir: str | None = None
    train_size: int | None = None
    test_size: int | None = None

    def load(self, progress: bool = False) -> Dataset:
        return load_dataset(self.name, self.data_dir, train_size=self.train_size, test_size=self.test_size,
                            progress=progress)


@dataclass(frozen=True)
class Network:
    """One network of an experiment and the run directory it is saved in."""

    path: str
    model: MLPConfig
    training: TrainConfig


@dataclass(frozen=True)
class TrainingGroup:
    """Networks with the same training settings (seed included), trained together."""

    data: DataSpec
    networks: tuple[Network, ...]


@dataclass
class TrainedNetwork:
    network: Network
    weights: dict[str, np.ndarray]
    history: list[dict]


def train_group(group: TrainingGroup) -> list[TrainedNetwork]:
    """Train a group's networks from their seed's initial weights (what a worker runs)."""
    data = group.data.load()
    training = group.networks[0].training
    models = [MLP(n.model) for n in group.networks]
    histories = train_packed(models, data, training, progress=False)
    return [TrainedNetwork(n, {k: v.numpy() for k, v in m.state_dict().items()}, h)
            for n, m, h in zip(group.networks, models, histories)]


def is_trained(network: Network, dataset: dict) -> bool:
    """Whether ``network.path`` already holds this very network, trained on ``dataset`` to the last epoch."""
    path = Path(network.path)
    try:
        config = json.loads((path / CONFIG).read_text())
        history = json.loads((path / METRICS).read_text())["history"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return (config.get("model") == network.model.to_json() and config.get("training") == network.training.to_json()
            and config.get("dataset") == dataset and len(history) == network.training.epochs)


def train_networks(groups: list[TrainingGroup], dataset: dict, *, workers: int | None = None,
                   ray_address: str | None = None, progress: bool = True) -> int:
    """Train every network of ``groups`` not trained already; returns how many were trained."""
    todo = []
    for group in groups:
        missing = tuple(n for n in group.networks if not is_trained(n, dataset))
        if missing:
            todo.append(replace(group, networks=missing))
    total = sum(len(g.networks) for g in todo)
    skipped = sum(len(g.networks) for g in groups) - total
    results = run_tasks(train_group, todo, workers=workers, ray_address=ray_address)
    bar = tqdm(total=total, unit="net", desc="training", disable=not progress or not total)
    if skipped and progress:
        bar.write(f"{skipped} networks already trained; skipping them")
    try:
        for _, trained in results:
            for t in trained:
                model = MLP(t.network.model)
                model.load_state_dict({k: torch.tensor(v) for k, v in t.weights.items()})
                save_trained(t.network.path, model, t.network.training, dataset, t.history)
            bar.update(len(trained))
    finally:
        bar.close()
    return total
