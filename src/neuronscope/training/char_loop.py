"""Training a character-level model: truncated backpropagation through time over parallel streams.

The training text is cut into ``batch`` contiguous streams read side by side, ``seq_len``
characters at a time; each chunk starts from the recurrent state the previous chunk ended in
(detached, so gradients stop at the chunk boundary), so the model sees context far longer than
one chunk at the cost of one. Losses are in nats per character; bits = nats / ln 2.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ..configs import BATCH_SIZE, EPOCHS, LEARNING_RATE, SEED, Number, Optional, Settings, Whole
from ..data.text import Corpus, Vocabulary, validation_start
from ..errors import CheckpointError, DataError, TrainingDiverged
from ..models.char_rnn import CharRNN, detach_state
from ..models.init import reset_parameters
from .state import flat_optimizer_state, restore_optimizer, under

MAX_SEQ_LEN = 10_000


def bits(nats: float) -> float:
    return nats / math.log(2)


@dataclass(frozen=True)
class CharTrainConfig(Settings):
    """How to train a character-level model: ``batch_size`` parallel streams read ``seq_len``
    characters at a time, Adam with ``lr``, gradients clipped to norm ``clip``, a validation loss and
    a checkpoint every ``eval_every`` steps, until ``epochs`` or ``minutes`` (of training time)."""

    seq_len: int = 100
    batch_size: int = 64
    lr: float = 2e-3
    clip: float = 5.0
    epochs: int = 50
    minutes: float | None = None
    eval_every: int = 200
    val_fraction: float = 0.1
    val_chars: int = 200_000  # the most validation characters scored each time
    seed: int = 0

    constraints = {"seq_len": Whole(1, MAX_SEQ_LEN), "batch_size": BATCH_SIZE, "lr": LEARNING_RATE,
                   "clip": Number(0, 1e6, open_low=True), "epochs": EPOCHS,
                   "minutes": Optional(Number(0, 1e6, open_low=True)), "eval_every": Whole(1, 10**9),
                   "val_fraction": Number(0, 0.5, open_low=True, open_high=True), "val_chars": Whole(1, 10**9),
                   "seed": SEED}
    renamed = {"batch": "batch_size"}
    what = "training"


@dataclass
class CharTrainingState:
    """Where training stands: the step, the position in the epoch, the carried recurrent state,
    the optimizer's moments and the time spent, everything ``resume`` needs to continue exactly."""

    step: int = 0
    epoch: int = 0
    chunk: int = 0
    seconds: float = 0.0
    carry: dict[str, torch.Tensor] = field(default_factory=dict)
    optimizer: dict[str, torch.Tensor] = field(default_factory=dict)
    rng: torch.Tensor | None = None  # the generator dropout draws from

    def to_tensors(self) -> tuple[dict[str, torch.Tensor], dict]:
        tensors = {f"optimizer.{k}": v for k, v in self.optimizer.items()}
        tensors.update({f"carry.{k}": v for k, v in self.carry.items()})
        if self.rng is not None:
            tensors["rng"] = self.rng
        position = {"step": self.step, "epoch": self.epoch, "chunk": self.chunk, "seconds": self.seconds}
        return tensors, {"position": position}

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor], meta: dict) -> CharTrainingState:
        position = meta.get("position") or {}
        try:
            return cls(step=int(position["step"]), epoch=int(position["epoch"]), chunk=int(position["chunk"]),
                       seconds=float(position["seconds"]), rng=tensors.get("rng"),
                       carry=under(tensors, "carry."), optimizer=under(tensors, "optimizer."))
        except (KeyError, TypeError, ValueError):
            raise CheckpointError("the training state records no valid position") from None

    def keeps(self, metrics: dict) -> bool:
        """Whether a history entry was written at or before this state."""
        return metrics.get("step", 0) <= self.step

    def finished(self, training: CharTrainConfig) -> bool:
        return self.epoch >= training.epochs


def split_text(tokens: np.ndarray, config: CharTrainConfig) -> tuple[np.ndarray, np.ndarray]:
    cut = validation_start(len(tokens), config.val_fraction, config.seq_len)
    return tokens[:cut], tokens[cut:]


def streams(tokens: np.ndarray, batch: int, seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-character targets, (streams, length) each; fewer streams than ``batch`` when the
    text is too short to give every stream at least one chunk."""
    count = max(1, min(batch, (len(tokens) - 1) // seq_len))
    length = (len(tokens) - 1) // count
    x = torch.from_numpy(tokens[: count * length].copy()).view(count, length)
    y = torch.from_numpy(tokens[1: count * length + 1].copy()).view(count, length)
    return x, y


def evaluate_loss(model: CharRNN, tokens: np.ndarray, seq_len: int, batch: int = 32) -> float:
    """Mean next-character loss over ``tokens``, in nats, with state carried across chunks."""
    x, y = streams(tokens, batch, seq_len)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.inference_mode():
        for start in range(0, x.shape[1], seq_len):
            xs, ys = x[:, start:start + seq_len].to(device), y[:, start:start + seq_len].to(device)
            logits, state = model(xs, state)
            total += float(nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys.reshape(-1),
                                                       reduction="sum"))
            count += ys.numel()
    model.train(was_training)
    return total / count


def _carry_tensors(state) -> dict[str, torch.Tensor]:
    if state is None:
        return {}
    if isinstance(state, tuple):
        return {"h": state[0].detach().cpu().clone(), "c": state[1].detach().cpu().clone()}
    return {"h": state.detach().cpu().clone()}


def _carry_state(carry: dict[str, torch.Tensor], device):
    if not carry:
        return None
    if "c" in carry:
        return carry["h"].to(device), carry["c"].to(device)
    return carry["h"].to(device)


def check_fits(model: CharRNN, corpus: Corpus, config: CharTrainConfig) -> None:
    """Refuse a corpus with characters the model does not know, or too short to train on."""
    unknown = Vocabulary(model.config.vocabulary).unknown(corpus.text)
    if unknown:
        raise DataError(f"the corpus has {len(unknown)} character(s) outside the model's vocabulary, "
                        f"e.g. {unknown[0]!r}; resume with the corpus the run was trained on")
    validation_start(len(corpus.text), config.val_fraction, config.seq_len)


def train_chars(model: CharRNN, corpus: Corpus, config: CharTrainConfig, *,
                state: CharTrainingState | None = None,
                on_checkpoint: Callable[[dict, CharTrainingState], None] | None = None,
                progress: bool = True) -> list[dict]:
    """Train ``model`` in place on ``corpus`` until ``config.epochs`` or ``config.minutes``; without a
    ``state``, from weights drawn with ``config.seed``.

    Every ``eval_every`` steps (and at the end) the validation loss is measured and
    ``on_checkpoint(metrics, state)`` is called with a consistent model and state. Returns the
    metrics of those checkpoints.
    """
    check_fits(model, corpus, config)
    vocabulary = Vocabulary(model.config.vocabulary)
    if state is None:
        reset_parameters(model, config.seed)
    # dropout draws from torch's global generator: forked and seeded, so runs repeat and nothing outside changes
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        if state is not None and state.rng is not None:
            torch.set_rng_state(state.rng)
        return _train_tokens(model, vocabulary.encode(corpus.text), config, state or CharTrainingState(),
                             on_checkpoint, progress)


def _train_tokens(model: CharRNN, tokens: np.ndarray, config: CharTrainConfig, state: CharTrainingState,
                  on_checkpoint, progress: bool) -> list[dict]:
    train_tokens, val_tokens = split_text(tokens, config)
    val_tokens = val_tokens[: config.val_chars]
    x, y = streams(train_tokens, config.batch_size, config.seq_len)
    chunks = x.shape[1] // config.seq_len
    if chunks < 1:
        raise DataError(f"the training text gives no full chunk of {config.seq_len} characters")
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    if state.optimizer:
        restore_optimizer(optimizer, state.optimizer)
    carried = _carry_state(state.carry, device)
    total_steps = config.epochs * chunks
    history, window = [], []
    model.train()
    started = time.perf_counter() - state.seconds
    bar = tqdm(total=total_steps, initial=state.step, disable=not progress, unit="step", dynamic_ncols=True,
               desc=f"training {config.batch_size}x{config.seq_len}-char chunks")

    def checkpoint() -> None:
        val = evaluate_loss(model, val_tokens, config.seq_len)
        state.seconds = time.perf_counter() - started
        state.carry = _carry_tensors(carried)
        state.optimizer = flat_optimizer_state(optimizer)
        state.rng = torch.get_rng_state()
        train_loss = float(np.mean(window)) if window else None
        metrics = {"step": state.step, "epoch": state.epoch + state.chunk / chunks, "seconds": round(state.seconds, 2),
                   "chars": state.step * x.shape[0] * config.seq_len, "train_nats": train_loss,
                   "val_nats": val, "val_bits": bits(val)}
        history.append(metrics)
        window.clear()
        bar.set_postfix(val=f"{val:.3f} nats ({bits(val):.3f} bits)/char")
        if on_checkpoint:
            on_checkpoint(metrics, state)

    try:
        while state.epoch < config.epochs:
            if config.minutes is not None and time.perf_counter() - started >= config.minutes * 60:
                break
            if state.chunk == 0:
                carried = None  # a new epoch starts every stream from scratch
            start = state.chunk * config.seq_len
            xs = x[:, start:start + config.seq_len].to(device)
            ys = y[:, start:start + config.seq_len].to(device)
            logits, carried = model(xs, carried)
            carried = detach_state(carried)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys.reshape(-1))
            if not torch.isfinite(loss):
                raise TrainingDiverged(f"the loss became {float(loss)} at step {state.step}; try a lower --lr")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), config.clip)
            optimizer.step()
            window.append(loss.item())
            state.step += 1
            state.chunk += 1
            if state.chunk == chunks:
                state.epoch, state.chunk = state.epoch + 1, 0
            bar.update(1)
            if state.step % config.eval_every == 0:
                checkpoint()
        if window:
            checkpoint()
    finally:
        bar.close()
    return history
