"""Named studies reproduced end to end, each writing figures, results.json and report.html.

Each study loads on first use: a run's standard figures (``experiments.dense``) should not wait
for SciPy and the studies' plotting.
"""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports, typing_imports

if TYPE_CHECKING:
    from .features import study_features
    from .hidden_sizes import hidden_sweep
    from .init_regularization import init_vs_regularization
    from .morph import morph_experiment
    from .noise import noise_experiment
    from .robustness import robustness_experiment
    from .superposition import superposition_experiment
    from .training import DataSpec

__all__ = ["DataSpec", "hidden_sweep", "init_vs_regularization", "morph_experiment", "noise_experiment",
           "robustness_experiment", "study_features", "superposition_experiment"]
STUDY_MODULES = typing_imports(__file__)
__getattr__, __dir__ = lazy_exports(__name__, __file__)
