"""Feature visualization by activation maximization, in four parts: ``param`` (how the image is
described), ``objectives`` (what is maximized, composable), ``transforms`` (random changes that
demand robust patterns) and ``render`` (the loop)."""

from .objectives import (
                         CLASS_SCORES,
                         Objective,
                         channel,
                         class_logit,
                         diversity,
                         l2,
                         neuron,
                         total_variation,
                         total_variation_of,
                         units,
)
from .render import RAW, REGULARIZED, Regularization, Rendering, evaluate, raw_and_regularized, render

__all__ = ["CLASS_SCORES", "RAW", "REGULARIZED", "Objective", "Regularization", "Rendering", "channel", "class_logit", "diversity",
           "evaluate", "l2", "neuron", "raw_and_regularized", "render", "total_variation", "total_variation_of",
           "units"]
