"""Matplotlib renderers for the analyses in ``neuronscope.inspect``; each returns a Figure. Names load on
first use: a dense run's figures never load the attack or ConvNet code, nor PyTorch."""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .attacks import plot_accuracy_under_attack, plot_attack, plot_fooling_images
    from .conv import plot_convolution, plot_feature_maps, plot_kernels, plot_top_examples
    from .featurevis import plot_dream, plot_raw_vs_regularized, plot_rendering
    from .results import plot_confusion_matrix, plot_mistakes, plot_training_curves
    from .style import figure_png, save_figure
    from .weights import plot_contributions, plot_lego_blocks, plot_templates, plot_weights_images

__all__ = ["figure_png", "plot_accuracy_under_attack", "plot_attack", "plot_confusion_matrix", "plot_contributions",
           "plot_convolution", "plot_dream", "plot_feature_maps", "plot_fooling_images", "plot_kernels",
           "plot_lego_blocks", "plot_mistakes", "plot_raw_vs_regularized", "plot_rendering", "plot_templates",
           "plot_top_examples", "plot_training_curves", "plot_weights_images", "save_figure"]
__getattr__, __dir__ = lazy_exports(__name__, __file__)
