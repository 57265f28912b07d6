"""Neurons from first principles: one neuron, decision boundaries in 2-D, gradient descent on a loss
surface, and backpropagation step by step. Small float64 NumPy code whose every number can be shown."""

from .boundaries import Standardizer, ToyFit, fit_toy, padded_bounds, region_grid
from .descent import (
    DescentPath,
    LineData,
    best_fit,
    critical_learning_rate,
    descent_path,
    learning_rate_trio,
    line_data,
    mse,
    surface_grid,
    view_bounds,
)
from .network import LOSSES, TRAINABLE_ACTIVATIONS, TinyNetwork
from .neuron import (
    ACTIVATIONS,
    FESTIVAL,
    FESTIVAL_EXAMPLES,
    FESTIVAL_YES_NO,
    Decision,
    FestivalExample,
    Neuron,
    festival_decision,
)
from .stepwise import BackpropTrace, backprop_trace, example_network

__all__ = [
    "ACTIVATIONS", "BackpropTrace", "Decision", "DescentPath", "FESTIVAL", "FESTIVAL_EXAMPLES", "FESTIVAL_YES_NO",
    "FestivalExample", "LOSSES",
    "LineData", "Neuron", "Standardizer", "TRAINABLE_ACTIVATIONS", "TinyNetwork", "ToyFit", "backprop_trace",
    "best_fit", "critical_learning_rate", "descent_path", "example_network", "festival_decision", "fit_toy",
    "learning_rate_trio", "line_data", "mse", "padded_bounds", "region_grid", "surface_grid", "view_bounds",
]
