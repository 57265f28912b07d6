"""Analyses: model and data in, arrays and dataclasses out. No plotting here."""

from .contributions import LegoBlocks, class_effects, contributions, lego_blocks
from .evaluation import Mistakes, confusion_matrix, misclassified, predict
from .weights import WeightsImages, pixel_projection, weights_images

__all__ = ["LegoBlocks", "Mistakes", "WeightsImages", "class_effects", "confusion_matrix", "contributions",
           "lego_blocks",
           "misclassified", "pixel_projection", "predict", "weights_images"]
