"""Training into a run directory, one function for every kind: the model configuration says which
loop trains it; ``resume`` continues a run from its last checkpoint exactly."""

from __future__ import annotations

from pathlib import Path

from ..errors import CheckpointError, ConfigError
from ..training import build_configs, pick_device
from .kinds import KINDS, kind_of_config
from .layout import STATE, snapshot_epochs
from .run import Run, load_weights, open_run
from .writer import RunWriter


def train_run(path: str | Path, data, model=None, training=None, *, resume: bool = False,
              overwrite: bool = False, snapshots: bool = False, device: str | None = None,
              progress: bool = True) -> Run:
    """Train into run directory ``path``, saving after every epoch (or checkpoint), and return the run.

    ``data`` is a ``Dataset`` (a ``Corpus`` for character-level models). ``model`` is a model
    configuration (``MLPConfig``, ``ConvNetConfig``, ``LinearConfig``, ``CharRNNConfig``); without one,
    the default dense network for the data. ``training`` defaults to its kind's defaults. With
    ``resume``, the run already in ``path`` continues from its last checkpoint: its saved settings win,
    except the length of training (``epochs``, and ``minutes`` for text), which ``training`` may extend.
    ``snapshots`` keeps the weights of every epoch (epoch 0: untrained) in ``path/snapshots/``; a
    resumed run that kept them goes on keeping them.
    """
    path = Path(path)
    target = pick_device(device)  # an unknown device is refused before anything is written
    if resume:
        existing = open_run(path)
        kind = KINDS[existing.kind]
        if training is not None:
            length = {k: v for k, v in training.to_json().items() if k in ("epochs", "minutes")}
            training = kind.training.from_json({**existing.training.to_json(), **length})
        else:
            training = existing.training
        network, dataset = existing.model, existing.dataset
        writer = RunWriter(path, kind, snapshots=snapshots or bool(snapshot_epochs(path)))
        state = _saved_state(existing, kind)
        history = [h for h in existing.history if state.keeps(h)] if state else []
        if state and state.finished(training):
            raise ConfigError(f"{path} already trained {state.epoch} of {training.epochs} epochs; pass a larger "
                              f"--epochs to continue")
    else:
        if model is None:
            model, default_training = build_configs(input_size=data.input_size, num_classes=data.num_classes,
                                                    image_shape=data.image_shape)
            training = training or default_training
        kind = kind_of_config(model)
        training = training or kind.training()
        network, dataset, state, history = kind.build(model), data.summary(), None, []
        kind.fits(network, data, training)
        writer = RunWriter(path, kind, snapshots=snapshots)
        writer.begin(network, training, dataset, overwrite=overwrite, position=kind.state().to_tensors()[1])
    network.to(target)

    def on_checkpoint(metrics: dict, new_state) -> None:
        history.append(metrics)
        writer.checkpoint(network, history, new_state)

    before = len(history)
    kind.loop(network, data, training, state=state, on_checkpoint=on_checkpoint, progress=progress)
    if resume and len(history) == before:
        raise ConfigError(f"{path} has nothing left to train within its limits; pass a larger --epochs or --minutes")
    return Run(path, kind.name, network.eval(), training, dataset, history)


def _saved_state(run: Run, kind):
    """The state the run's last checkpoint saved; None for a run killed before its first checkpoint,
    which starts again from its seed."""
    if not (run.path / STATE).exists():
        if run.history:
            raise CheckpointError(f"{run.path} has no {STATE} (it was not trained to be continued); train a new "
                                  f"run, or --overwrite this one")
        return None
    tensors, meta = load_weights(run.path / STATE, run.model, prefix="model.")
    try:
        return kind.state.from_tensors(tensors, meta)
    except CheckpointError as e:
        raise CheckpointError(f"{run.path / STATE}: {e}") from None


def save_trained(path: str | Path, model, training, dataset: dict, history: list[dict]) -> Run:
    """Write a model trained elsewhere (say, packed with others) as a complete run directory."""
    kind = kind_of_config(model.config)
    RunWriter(path, kind).finish(model, training, dataset, history,
                                 {"epoch": history[-1]["epoch"] if history else 0})
    return Run(Path(path), kind.name, model.eval(), training, dataset, history)
