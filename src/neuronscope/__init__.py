"""neuronscope: train small neural networks on real data and see what every neuron learned.

    import neuronscope as ns
    run = ns.open_run("runs/demo")                        # any kind of run
    images = ns.inspect.weights_images(run.model, "hidden1")
    ns.plot.plot_weights_images(images)                   # a matplotlib Figure

Names are loaded when first used, so ``import neuronscope`` (and the command line's ``--version``)
stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> (module, attribute); attribute None means the module itself
_PUBLIC = {
    "open_run": ("neuronscope.runs", "open_run"),
    "train": ("neuronscope.runs", "train_run"),
    "import_weights": ("neuronscope.runs", "import_weights"),
    "Run": ("neuronscope.runs", "Run"),
    "load_dataset": ("neuronscope.data", "load_dataset"),
    "load_corpus": ("neuronscope.data.text", "load_corpus"),
    "build_configs": ("neuronscope.training", "build_configs"),
    "MLPConfig": ("neuronscope.models", "MLPConfig"),
    "ConvNetConfig": ("neuronscope.models", "ConvNetConfig"),
    "LinearConfig": ("neuronscope.models", "LinearConfig"),
    "CharRNNConfig": ("neuronscope.models", "CharRNNConfig"),
    "TrainConfig": ("neuronscope.training", "TrainConfig"),
    "ModuleTrainConfig": ("neuronscope.training", "ModuleTrainConfig"),
    "CharTrainConfig": ("neuronscope.training", "CharTrainConfig"),
    "NeuronscopeError": ("neuronscope.errors", "NeuronscopeError"),
    "inspect": ("neuronscope.inspect", None),
    "featurevis": ("neuronscope.inspect.featurevis", None),
    "plot": ("neuronscope.plot", None),
    "experiments": ("neuronscope.experiments", None),
    "basics": ("neuronscope.basics", None),
    "models": ("neuronscope.models", None),
    "data": ("neuronscope.data", None),
    "imagenet": ("neuronscope.imagenet", None),
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'neuronscope' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = importlib.import_module(module)
    if attribute:
        value = getattr(value, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


# in a notebook, results of every kind display themselves (registered by name: nothing heavy loads)
from .notebook import register_with_running_kernel as _register_with_running_kernel  # noqa: E402

_register_with_running_kernel()
