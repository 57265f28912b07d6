"""What besides the weights a run needs to continue exactly where it stopped, as tensors and JSON
metadata for its ``training_state.safetensors``."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ..errors import CheckpointError


@dataclass
class TrainingState:
    """After ``epoch`` completed epochs: the optimizer's moments and the shuffling generator's state."""

    epoch: int = 0
    optimizer: dict[str, torch.Tensor] = field(default_factory=dict)
    rng: torch.Tensor | None = None

    def to_tensors(self) -> tuple[dict[str, torch.Tensor], dict]:
        tensors = {f"optimizer.{k}": v for k, v in self.optimizer.items()}
        if self.rng is not None:
            tensors["rng"] = self.rng
        return tensors, {"epoch": self.epoch}

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor], meta: dict) -> TrainingState:
        try:
            return cls(epoch=int(meta["epoch"]), rng=tensors.get("rng"), optimizer=under(tensors, "optimizer."))
        except (KeyError, TypeError, ValueError):
            raise CheckpointError("the training state records no valid epoch") from None

    def keeps(self, metrics: dict) -> bool:
        """Whether a history entry was written at or before this state."""
        return metrics.get("epoch", 0) <= self.epoch

    def finished(self, training) -> bool:
        return self.epoch >= training.epochs


def under(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The tensors whose names start with ``prefix``, named without it."""
    return {name.removeprefix(prefix): t for name, t in tensors.items() if name.startswith(prefix)}


def flat_optimizer_state(optimizer: torch.optim.Optimizer) -> dict[str, torch.Tensor]:
    """A torch optimizer's per-parameter state as flat named tensors."""
    flat = {}
    for index, entry in optimizer.state_dict()["state"].items():
        for key, value in entry.items():
            flat[f"{index}.{key}"] = torch.as_tensor(value, dtype=torch.float32).reshape(-1).clone() \
                if key == "step" else value.clone()
    return flat


def restore_optimizer(optimizer: torch.optim.Optimizer, flat: dict[str, torch.Tensor]) -> None:
    state = {}
    for name, value in flat.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value.reshape(()) if key == "step" else value
    optimizer.load_state_dict({"state": state, "param_groups": optimizer.state_dict()["param_groups"]})
