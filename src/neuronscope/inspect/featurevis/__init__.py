"""Feature visualization by activation maximization, in four parts: ``param`` (how the image is
described), ``objectives`` (what is maximized, composable), ``transforms`` (random changes that
demand robust patterns) and ``render`` (the loop), which takes each part as an object."""

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
from .param import FourierParam, PixelParam, make_param
from .render import RAW, REGULARIZED, Regularization, Rendering, evaluate, raw_and_regularized, render
from .transforms import compose, jitter, random_rotate, random_scale, standard

__all__ = ["CLASS_SCORES", "RAW", "REGULARIZED", "FourierParam", "Objective", "PixelParam", "Regularization",
           "Rendering", "channel", "class_logit", "compose", "diversity", "evaluate", "jitter", "l2", "make_param",
           "neuron", "random_rotate", "random_scale", "raw_and_regularized", "render", "standard", "total_variation",
           "total_variation_of", "units"]
