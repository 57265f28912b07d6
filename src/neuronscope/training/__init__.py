"""Training: one configuration scheme, presets, costs, the loops, and hand-written backpropagation for
dense networks. Every loop starts from weights its configuration's seed draws, or continues from a state."""

from ..choices import COSTS
from .char_loop import CharTrainConfig, CharTrainingState
from .config import DEFAULT_PRESET, OPTIMIZERS, PRESETS, TrainConfig, build_configs
from .evaluation import EvaluationSet, evaluate
from .loop import pick_device, train
from .module_loop import ModuleTrainConfig
from .state import TrainingState

__all__ = ["COSTS", "DEFAULT_PRESET", "CharTrainConfig", "CharTrainingState", "EvaluationSet", "ModuleTrainConfig",
           "OPTIMIZERS", "PRESETS", "TrainConfig", "TrainingState", "build_configs", "evaluate", "pick_device",
           "train"]
