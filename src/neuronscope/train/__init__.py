"""Training: configs and presets, costs, the loop, and hand-written backpropagation for dense networks."""

from .config import DEFAULT_PRESET, OPTIMIZERS, PRESETS, TrainConfig, build_configs
from .costs import COSTS
from .evaluation import EvaluationSet, evaluate
from .loop import TrainingState, pick_device, train

__all__ = ["COSTS", "DEFAULT_PRESET", "EvaluationSet", "OPTIMIZERS", "PRESETS", "TrainConfig", "TrainingState",
           "build_configs", "evaluate", "pick_device", "train"]
