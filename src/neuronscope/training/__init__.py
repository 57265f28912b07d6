"""Training: one configuration scheme, presets, costs, the loops, and hand-written backpropagation for
dense networks. Every loop starts from weights its configuration's seed draws, or continues from a state.
Names load on first use: the settings classes never load PyTorch."""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .char_loop import CharTrainConfig, CharTrainingState
    from .config import COSTS, DEFAULT_PRESET, OPTIMIZERS, PRESETS, TrainConfig, build_configs
    from .evaluation import EvaluationSet, evaluate
    from .loop import pick_device, train
    from .module_loop import ModuleTrainConfig
    from .state import TrainingState

__all__ = ["COSTS", "CharTrainConfig", "CharTrainingState", "DEFAULT_PRESET", "EvaluationSet", "ModuleTrainConfig",
           "OPTIMIZERS", "PRESETS", "TrainConfig", "TrainingState", "build_configs", "evaluate", "pick_device", "train"]
__getattr__, __dir__ = lazy_exports(__name__, __file__)
