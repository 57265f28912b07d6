"""The training loop: epochs of shuffled mini-batches, evaluation after each, divergence checks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ..data import Dataset
from ..data.tensors import as_inputs
from ..errors import ConfigError, TrainingDiverged
from ..models.mlp import MLP
from .backprop import BackpropTrainer
from .config import TrainConfig
from .evaluation import EvaluationSet, evaluate
from .state import TrainingState

DIVERGENCE_CHECK_EVERY = 100  # steps; a NaN spreads to every parameter within a step or two
TRAIN_EVAL_LIMIT = 10_000  # training-set metrics come from this many images, enough for a curve
# Steps worth splitting over CPU threads: enough multiply-adds, and batches big enough that each
# elementwise operation has work for every thread (a batch of 10 through 784x175 weights runs 30% to
# 3x slower on two threads than on one).
THREADED_STEP_WORK = 1_000_000
THREADED_MIN_BATCH = 32


def pick_device(device: str | None = None) -> torch.device:
    """``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``; one that is not here is refused."""
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        chosen = torch.device(device)
    except (RuntimeError, TypeError):
        raise ConfigError(f"unknown device {device!r}; use auto, cpu, cuda or cuda:N") from None
    if chosen.type not in ("cpu", "cuda"):
        raise ConfigError(f"unknown device {device!r}; use auto, cpu, cuda or cuda:N")
    if chosen.type == "cuda" and (not torch.cuda.is_available() or (chosen.index or 0) >= torch.cuda.device_count()):
        raise ConfigError(f"device {device!r} is not available here; use auto or cpu")
    return chosen


def train(model: MLP, data: Dataset, config: TrainConfig, *, state: TrainingState | None = None,
          on_checkpoint: Callable[[dict, TrainingState], None] | None = None, progress: bool = True) -> list[dict]:
    """Train ``model`` in place for the epochs after ``state.epoch`` up to ``config.epochs``; without a
    ``state``, from weights drawn by ``config.init`` with ``config.seed``.

    Returns one metrics dict per epoch trained. ``on_checkpoint(metrics, state)`` runs after each
    epoch, when the model and state are consistent (the place to save a checkpoint). Raises
    TrainingDiverged as soon as a parameter becomes NaN or infinite.
    """
    check_fits(model, data, config)
    if state is None:
        model.reset_parameters(config.init, config.seed)
        state = TrainingState()
    device = next(model.parameters()).device
    x_all = as_inputs(data.train_images, device)
    y_all = torch.as_tensor(data.train_labels, device=device)
    batch = min(config.batch_size, len(y_all))
    trainer = BackpropTrainer(model, config, x_all, batch)
    if state.optimizer:
        trainer.load_optimizer_state(state.optimizer)
    generator = torch.Generator().manual_seed(config.seed)
    if state.rng is not None:
        generator.set_state(state.rng)
    history = []
    # the same preparation as an uninterrupted run (sparse or dense rows), so a resumed run's metrics match it bit for bit
    train_set, test_set = evaluation_sets(data, device, model.config.layers[1], config.epochs)

    def after_epoch(epoch: int, train_seconds: float) -> str:
        train_metrics = evaluate(model, train_set, config.loss)
        test_metrics = evaluate(model, test_set, config.loss)
        metrics = epoch_metrics(epoch, train_metrics, test_metrics, train_seconds)
        history.append(metrics)
        if on_checkpoint:
            on_checkpoint(metrics, TrainingState(epoch=epoch, optimizer=trainer.optimizer_state(),
                                            rng=generator.get_state()))
        return f"{test_metrics['accuracy']:.4f}"

    run_epochs(trainer, F.one_hot(y_all, data.num_classes).float(), y_all, config, first_epoch=state.epoch + 1,
               generator=generator, progress=progress, after_epoch=after_epoch)
    return history


def check_fits(model: MLP, data: Dataset, config: TrainConfig | None = None) -> None:
    """Refuse a dataset whose inputs or classes the network's layers do not match."""
    if model.config.layers[0] != data.input_size or model.config.layers[-1] != data.num_classes:
        raise ConfigError(f"model layers {list(model.config.layers)} do not fit {data.name}: "
                          f"{data.input_size} inputs, {data.num_classes} classes")


def epoch_metrics(epoch: int, train: dict[str, float], test: dict[str, float], seconds: float) -> dict:
    """One history entry: the cost and accuracy on the training and test images after ``epoch``."""
    return {"epoch": epoch, "train_loss": train["loss"], "train_accuracy": train["accuracy"],
            "test_loss": test["loss"], "test_accuracy": test["accuracy"], "seconds": seconds}


def evaluation_sets(data: Dataset, device: torch.device, first_layer_width: int,
                    epochs: int) -> tuple[EvaluationSet, EvaluationSet]:
    """The images measured after every epoch: the first TRAIN_EVAL_LIMIT training images, and the test set."""
    options = dict(first_layer_width=first_layer_width, uses=epochs)
    return (EvaluationSet(data.train_images[:TRAIN_EVAL_LIMIT], data.train_labels[:TRAIN_EVAL_LIMIT], device,
                          **options),
            EvaluationSet(data.test_images, data.test_labels, device, **options))


def run_epochs(trainer: BackpropTrainer, targets: torch.Tensor, labels: torch.Tensor, config: TrainConfig, *,
               first_epoch: int, generator: torch.Generator, progress: bool,
               after_epoch: Callable[[int, float], str]) -> None:
    """Train epochs ``first_epoch``..``config.epochs`` of shuffled mini-batches of ``trainer.x``.

    targets: (n, outputs) float one-hot rows; labels: (n,) int64. ``after_epoch(epoch, seconds)``
    evaluates and saves, returning the test accuracy to show beside the progress bar. Raises
    TrainingDiverged as soon as a parameter becomes NaN or infinite.
    """
    n, device = len(labels), trainer.x.device
    batch = min(config.batch_size, n)
    steps_per_epoch = -(-n // batch)
    layers = trainer.model.config.layers
    work = batch * sum(i * o for i, o in zip(layers, layers[1:]))
    bar = tqdm(total=(config.epochs - first_epoch + 1) * steps_per_epoch, unit="step", disable=not progress,
               desc="training", leave=False)
    try:
        for epoch in range(first_epoch, config.epochs + 1):
            started = time.perf_counter()
            order = torch.randperm(n, generator=generator).to(device)
            # targets are small enough to shuffle whole each epoch; images are gathered per batch
            batches = zip(order.split(batch), targets[order].split(batch), labels[order].split(batch))
            # NaN is caught below from the parameters; NumPy's overflow warnings would only repeat it
            with torch.inference_mode(), _threads_for(work, batch, device), np.errstate(invalid="ignore", over="ignore"):
                for step, (rows, onehot, batch_labels) in enumerate(batches, 1):
                    trainer.step(rows, onehot, batch_labels)
                    if step % DIVERGENCE_CHECK_EVERY == 0:
                        bar.update(DIVERGENCE_CHECK_EVERY)
                        _check_finite(trainer, epoch, step, config)
            bar.update(steps_per_epoch % DIVERGENCE_CHECK_EVERY)
            _check_finite(trainer, epoch, steps_per_epoch, config)
            test_accuracy = after_epoch(epoch, time.perf_counter() - started)
            bar.set_postfix(epoch=epoch, test_acc=test_accuracy)
    finally:
        bar.close()


@contextmanager
def _threads_for(work: int, batch: int, device: torch.device) -> Iterator[None]:
    """Use one CPU thread for steps too small to split profitably, restoring the setting afterwards."""
    threads = torch.get_num_threads()
    small = work < THREADED_STEP_WORK or batch < THREADED_MIN_BATCH
    single = device.type == "cpu" and small and threads > 1
    if single:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if single:
            torch.set_num_threads(threads)


def _check_finite(trainer: BackpropTrainer, epoch: int, step: int, config: TrainConfig) -> None:
    if not trainer.finite():
        raise TrainingDiverged(f"training diverged in epoch {epoch} near step {step}: parameters became NaN "
                               f"or infinite; try a smaller learning rate than {config.lr}")
