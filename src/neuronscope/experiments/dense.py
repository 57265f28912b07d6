"""The standard figures of a dense network's run, recomputed from its weights and test images."""

from __future__ import annotations

from .. import inspect, plot
from ..data import Dataset
from ..report import NamedFigure
from ..runs import Run

MISTAKES_SHOWN = 40


def run_figures(run: Run, data: Dataset, k: int = 3) -> list[NamedFigure]:
    model, names = run.model, run.model.config.layer_names
    figures = []
    for layer in names[:-1] if len(names) > 1 else names:
        weights = inspect.weights_images(model, layer)
        how = ("each neuron's weights carried back to the pixels through the layers below"
               if weights.projected else "each neuron's incoming weights, one tile per neuron")
        figures.append(NamedFigure(f"weights_{layer}", f"What each {layer} neuron looks for",
                                   f"{how.capitalize()}. Blue pixels push the neuron up, red pull it down.",
                                   plot.plot_weights_images(weights)))
    if len(names) > 1:
        below = names[-2]
        figures.append(NamedFigure("contributions_output", f"Which {below} neurons each class leans on",
                                   "Each panel is one class; each cell one neuron below, colored by the weight "
                                   "the class puts on it.",
                                   plot.plot_contributions(inspect.contributions(model, "output"), data.class_names,
                                                           below)))
        for layer in names[1:]:
            k_layer = min(k, model.config.layers[names.index(layer)])
            blocks = inspect.lego_blocks(model, layer, k=k_layer)
            figures.append(NamedFigure(f"lego_{layer}", f"Lego blocks of {layer}",
                                       f"For each {layer} neuron, the {k_layer} neurons below it with the largest "
                                       f"positive and the most negative contributions.",
                                       plot.plot_lego_blocks(blocks, data.class_names if layer == "output" else None)))
    predicted, _ = inspect.predict(model, data.test_images)
    matrix = inspect.confusion_matrix(data.test_labels, predicted, data.num_classes)
    figures.append(NamedFigure("confusion", "Confusion matrix", "Rows: true class; columns: predicted class.",
                               plot.plot_confusion_matrix(matrix, data.class_names)))
    mistakes = inspect.misclassified(model, data.test_images, data.test_labels, limit=MISTAKES_SHOWN)
    figures.append(NamedFigure("mistakes", "Misclassified test images",
                               "The test images the network gets wrong with the most confidence.",
                               plot.plot_mistakes(mistakes, data.class_names)))
    if run.history:
        figures.append(NamedFigure("training_curves", "Training curves", "Accuracy and cost after each epoch.",
                                   plot.plot_training_curves(run.history)))
    return figures
