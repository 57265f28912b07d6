"""Named studies reproduced end to end, each writing figures, results.json and report.html.

Each study loads on first use: a run's standard figures (``experiments.dense``) should not wait
for SciPy and the studies' plotting.
"""

from importlib import import_module

_STUDIES = {"DataSpec": "training", "hidden_sweep": "hidden_sweep", "init_vs_regularization": "init_regularization",
            "morph_experiment": "morph", "noise_experiment": "noise", "robustness_experiment": "robustness"}

__all__ = sorted(_STUDIES)


def __getattr__(name: str):
    if name not in _STUDIES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_STUDIES[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
