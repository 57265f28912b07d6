"""Writing a run directory, the same way for every kind: the untrained model first and config.json
last when a run begins (so a folder with a config.json always holds a model), then after every
epoch or checkpoint the weights, the metrics and the state to continue from, each replaced
atomically, so a kill at any moment leaves the last checkpoint loadable and resumable. With
snapshots, the weights of every epoch are kept too, for replaying how the network formed."""

from __future__ import annotations

from pathlib import Path

from torch import nn

from .. import __version__
from ..errors import ConfigError
from ..files import atomic_write_json
from .kinds import Kind
from .layout import CONFIG, METRICS, MODEL, SNAPSHOTS, STATE, remove_stale_temporaries, snapshot_file
from .weights import save_tensors


class RunWriter:
    def __init__(self, path: str | Path, kind: Kind, *, snapshots: bool = False):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise ConfigError(f"{self.path} is a file; a run is written into a folder")
        self.kind = kind
        self.snapshots = snapshots
        remove_stale_temporaries(self.path)
        remove_stale_temporaries(self.path / SNAPSHOTS)

    def begin(self, model: nn.Module, training, dataset: dict, *, overwrite: bool, position: dict) -> None:
        """Start a new run with ``model`` as it is; refuse to replace a run unless ``overwrite``."""
        if (self.path / CONFIG).exists() and not overwrite:
            raise ConfigError(f"{self.path} already holds a run; use --resume to continue it, --overwrite to "
                              f"replace it")
        self.path.mkdir(parents=True, exist_ok=True)
        for stale in (CONFIG, STATE, METRICS):
            (self.path / stale).unlink(missing_ok=True)
        for stale in (self.path / SNAPSHOTS).glob("epoch-*.safetensors"):  # another run's epochs
            stale.unlink()
        self.save_model(model, position)
        atomic_write_json(self.path / METRICS, {"history": []})
        self.write_config(model, training, dataset)

    def write_config(self, model: nn.Module, training, dataset: dict) -> None:
        atomic_write_json(self.path / CONFIG, {"neuronscope": __version__, "kind": self.kind.name,
                                               self.kind.data_key: dataset, "model": model.config.to_json(),
                                               "training": training.to_json() if training else None})

    def save_model(self, model: nn.Module, position: dict) -> None:
        save_tensors(self.path / MODEL, model.state_dict(), {"model": model.config.to_json(), **position})
        if self.snapshots and "epoch" in position:
            (self.path / SNAPSHOTS).mkdir(exist_ok=True)
            save_tensors(snapshot_file(self.path, position["epoch"]), model.state_dict(),
                         {"model": model.config.to_json(), **position})

    def checkpoint(self, model: nn.Module, history: list[dict], state) -> None:
        """Weights, metrics and (when the loop gives one) the state to resume from."""
        tensors, position = state.to_tensors()
        self.save_model(model, position)
        atomic_write_json(self.path / METRICS, {"history": history})
        state_tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
        state_tensors.update(tensors)
        save_tensors(self.path / STATE, state_tensors, {"model": model.config.to_json(), **position})

    def finish(self, model: nn.Module, training, dataset: dict, history: list[dict], position: dict) -> None:
        """Write a run trained elsewhere (say, packed with others) whole; config.json goes last."""
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / STATE).unlink(missing_ok=True)
        self.save_model(model, position)
        atomic_write_json(self.path / METRICS, {"history": history})
        self.write_config(model, training, dataset)
