"""Named studies reproduced end to end, each writing figures, results.json and report.html.

Each study loads on first use: a run's standard figures (``experiments.dense``) should not wait
for SciPy and the studies' plotting.
"""

from importlib import import_module

STUDY_MODULES = {"DataSpec": "training", "hidden_sweep": "hidden_sizes",
                 "init_vs_regularization": "init_regularization", "morph_experiment": "morph",
                 "noise_experiment": "noise", "robustness_experiment": "robustness", "study_features": "features",
                 "superposition_experiment": "superposition"}

__all__ = sorted(STUDY_MODULES)


def __getattr__(name: str):
    if name not in STUDY_MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{STUDY_MODULES[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
