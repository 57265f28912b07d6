"""Named studies reproduced end to end, each writing figures, results.json and report.html."""

from .hidden_sweep import hidden_sweep
from .init_regularization import init_vs_regularization
from .morph import morph_experiment
from .noise import noise_experiment
from .robustness import robustness_experiment
from .training import DataSpec

__all__ = ["DataSpec", "hidden_sweep", "init_vs_regularization", "morph_experiment", "noise_experiment",
           "robustness_experiment"]
