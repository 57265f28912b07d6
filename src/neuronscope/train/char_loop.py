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
from tqdm import tqdm

from ..configs import config_from_json, config_to_json
from ..errors import ConfigError, DataError, TrainingDiverged
from ..models.char_rnn import CharRNN, detach_state

MAX_SEQ_LEN = 10_000
MAX_BATCH = 4096


def bits(nats: float) -> float:
    return nats / math.log(2)


@dataclass(frozen=True)
class CharTrainConfig:
    seq_len: int = 100
    batch: int = 64
    lr: float = 2e-3
    clip: float = 5.0
    epochs: int = 50
    minutes: float | None = None  # stop after this much training time, whatever the epoch
    eval_every: int = 200  # steps between validation losses and checkpoints
    val_fraction: float = 0.1
    val_chars: int = 200_000  # the most validation characters scored each time
    seed: int = 0

    def __post_init__(self):
        checks = [(1 <= self.seq_len <= MAX_SEQ_LEN, f"seq_len must be 1..{MAX_SEQ_LEN}, got {self.seq_len}"),
                  (1 <= self.batch <= MAX_BATCH, f"batch must be 1..{MAX_BATCH}, got {self.batch}"),
                  (math.isfinite(self.lr) and 0 < self.lr <= 1, f"lr must be in (0, 1], got {self.lr}"),
                  (math.isfinite(self.clip) and self.clip > 0, f"clip must be positive, got {self.clip}"),
                  (self.epochs >= 1, f"epochs must be at least 1, got {self.epochs}"),
                  (self.minutes is None or (math.isfinite(self.minutes) and self.minutes > 0),
                   f"minutes must be positive, got {self.minutes}"),
                  (self.eval_every >= 1, f"eval_every must be at least 1, got {self.eval_every}"),
                  (0 < self.val_fraction < 0.5, f"val_fraction must be in (0, 0.5), got {self.val_fraction}"),
                  (self.val_chars >= 1, f"val_chars must be at least 1, got {self.val_chars}")]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)

    def to_json(self) -> dict:
        return config_to_json(self)

    @classmethod
    def from_json(cls, data: dict) -> CharTrainConfig:
        return config_from_json(cls, data, "training")


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


def validation_start(length: int, config: CharTrainConfig) -> int:
    """Where the validation part of a text of ``length`` characters begins: the first part trains,
    the last ``val_fraction`` validates."""
    cut = int(length * (1 - config.val_fraction))
    if length - cut < 2 or cut < config.seq_len + 1:
        raise DataError(f"the corpus has {length} characters: too short for sequences of {config.seq_len} "
                        f"(it needs more than {math.ceil((config.seq_len + 1) / (1 - config.val_fraction))}); "
                        f"use a longer text or a shorter --seq-len")
    return cut


def split_text(tokens: np.ndarray, config: CharTrainConfig) -> tuple[np.ndarray, np.ndarray]:
    cut = validation_start(len(tokens), config)
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


def _flat_optimizer_state(optimizer: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    flat = {}
    for index, entry in optimizer.state_dict()["state"].items():
        for key, value in entry.items():
            flat[f"{index}.{key}"] = torch.as_tensor(value, dtype=torch.float32).reshape(-1).clone() \
                if key == "step" else value.clone()
    return flat


def _restore_optimizer(optimizer: torch.optim.Optimizer, flat: dict[str, torch.Tensor]) -> None:
    state = {}
    for name, value in flat.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value.reshape(()) if key == "step" else value
    optimizer.load_state_dict({"state": state, "param_groups": optimizer.state_dict()["param_groups"]})


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


def train_chars(model: CharRNN, tokens: np.ndarray, config: CharTrainConfig, *,
                state: CharTrainingState | None = None,
                on_checkpoint: Callable[[dict, CharTrainingState], None] | None = None,
                progress: bool = True) -> list[dict]:
    """Train ``model`` in place on ``tokens`` (int64 ids) until ``config.epochs`` or ``config.minutes``.

    Every ``eval_every`` steps (and at the end) the validation loss is measured and
    ``on_checkpoint(metrics, state)`` is called with a consistent model and state. Returns the
    metrics of those checkpoints.
    """
    train_tokens, val_tokens = split_text(tokens, config)
    val_tokens = val_tokens[: config.val_chars]
    x, y = streams(train_tokens, config.batch, config.seq_len)
    chunks = x.shape[1] // config.seq_len
    if chunks < 1:
        raise DataError(f"the training text gives no full chunk of {config.seq_len} characters")
    device = next(model.parameters()).device
    torch.manual_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    state = state or CharTrainingState()
    if state.optimizer:
        _restore_optimizer(optimizer, state.optimizer)
    carried = _carry_state(state.carry, device)
    total_steps = config.epochs * chunks
    history, window = [], []
    model.train()
    started = time.perf_counter() - state.seconds
    bar = tqdm(total=total_steps, initial=state.step, disable=not progress, unit="step", dynamic_ncols=True,
               desc=f"training {config.batch}x{config.seq_len}-char chunks")

    def checkpoint() -> None:
        val = evaluate_loss(model, val_tokens, config.seq_len)
        state.seconds = time.perf_counter() - started
        state.carry = _carry_tensors(carried)
        state.optimizer = _flat_optimizer_state(optimizer)
        train_loss = float(np.mean(window)) if window else float("nan")
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
        if window or not history:
            checkpoint()
    finally:
        bar.close()
    return history
