"""Matplotlib renderers for the analyses in ``neuronscope.inspect``; each returns a Figure."""

from .results import plot_confusion_matrix, plot_mistakes, plot_training_curves
from .style import figure_png, save_figure
from .weights import plot_contributions, plot_lego_blocks, plot_weights_images

__all__ = ["figure_png", "plot_confusion_matrix", "plot_contributions", "plot_lego_blocks", "plot_mistakes",
           "plot_training_curves", "plot_weights_images", "save_figure"]
