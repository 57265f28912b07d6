"""How results show themselves in a notebook (JupyterLab, Notebook, VS Code, Colab).

The analyses in ``inspect`` and ``runs`` know nothing of plotting; when neuronscope is imported in
an IPython kernel, their result types are registered with its display formatters by name, so a
cell that ends in a weights image, a dream or a run shows a picture, and nothing is imported until
the first result is shown. Figures from ``neuronscope.plot`` show themselves (``ShownFigure``).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable


def _class_names(count: int) -> list[str]:
    return [str(i) for i in range(count)]


def _weights_images(result):
    from .plot import plot_weights_images

    return plot_weights_images(result)


def _lego_blocks(result):
    from .plot import plot_lego_blocks

    return plot_lego_blocks([result])


def _mistakes(result):
    from .plot import plot_mistakes

    classes = int(max(result.labels.max(initial=0), result.predicted.max(initial=0))) + 1
    return plot_mistakes(result, _class_names(classes))


def _rendering(result):
    from .plot import plot_rendering

    return plot_rendering(result)


def _dream(result):
    from .plot import plot_dream

    return plot_dream(result, f"A dream on {result.layer}")


def _attack(result):
    from .plot import plot_attack

    classes = int(max(result.labels.max(), result.prediction.max(), result.original_prediction.max())) + 1
    return plot_attack(result, _class_names(classes), "Before and after the attack")


def _fooling_image(result):
    from .plot import plot_fooling_images

    return plot_fooling_images([result], _class_names(result.target + 1))


def _saturation(result):
    from .plot.text import plot_saturation

    return plot_saturation(result)


def _morph_path(result):
    from .plot.experiments import plot_morph

    return plot_morph(result, _class_names(result.probabilities.shape[1]))


def _confidence_summary(result):
    from .plot.experiments import plot_confident_images

    return plot_confident_images([result], _class_names(len(result.counts)))


def _photo_dream(result):
    from .plot.imagenet import plot_photo_dream

    return plot_photo_dream(result)


def _photo_attack(result):
    from .plot.imagenet import plot_photo_attack

    return plot_photo_attack(result)


def _attack_curve(result):
    from .plot.imagenet import plot_attack_curve

    return plot_attack_curve(result)


def _atlas(result):
    from .plot.imagenet import plot_atlas

    return plot_atlas(result)


def _class_view(result):
    from .plot.imagenet import plot_class_views

    return plot_class_views([result])


def _style_transfer(result):
    from .plot.imagenet import plot_style_transfers

    return plot_style_transfers([result])


# "module:Class" -> the figure that shows it
FIGURES: dict[str, Callable] = {
    "neuronscope.inspect.weights:WeightsImages": _weights_images,
    "neuronscope.inspect.contributions:LegoBlocks": _lego_blocks,
    "neuronscope.inspect.evaluation:Mistakes": _mistakes,
    "neuronscope.inspect.featurevis.render:Rendering": _rendering,
    "neuronscope.inspect.dream:Dream": _dream,
    "neuronscope.inspect.adversarial:Attack": _attack,
    "neuronscope.inspect.adversarial:FoolingImage": _fooling_image,
    "neuronscope.inspect.cells:Saturation": _saturation,
    "neuronscope.inspect.probes:MorphPath": _morph_path,
    "neuronscope.inspect.probes:ConfidenceSummary": _confidence_summary,
    "neuronscope.imagenet.looking:ClassView": _class_view,
    "neuronscope.imagenet.looking:PhotoDream": _photo_dream,
    "neuronscope.imagenet.looking:PhotoAttack": _photo_attack,
    "neuronscope.imagenet.looking:AttackCurve": _attack_curve,
    "neuronscope.imagenet.atlas:Atlas": _atlas,
    "neuronscope.imagenet.style:StyleTransfer": _style_transfer,
}


def png(result) -> bytes:
    """The PNG a notebook shows for ``result`` (one of the types in ``FIGURES``)."""
    from .plot import figure_png

    key = f"{type(result).__module__}:{type(result).__qualname__}"
    if key not in FIGURES:
        raise TypeError(f"neuronscope has no picture for {type(result).__name__}")
    return figure_png(FIGURES[key](result))


def run_card(run) -> str:
    """A run as an HTML card: what it is, how it trained, and its most telling figure."""
    from .plot import figure_png

    facts = [("kind", run.kind), ("data", run.dataset.get("name", "?")), ("epochs", str(run.epoch))]
    if run.kind == "mlp":
        facts.insert(1, ("network", "-".join(map(str, run.model.config.layers))))
    if run.test_accuracy is not None:
        facts.append(("test accuracy", f"{100 * run.test_accuracy:.2f}%"))
    elif run.history and "val_bits" in run.history[-1]:
        facts.append(("validation", f"{run.history[-1]['val_bits']:.3f} bits per character"))
    figure = _telling_figure(run)
    picture = (f'<img alt="{html.escape(figure[0])}" style="max-width:100%" '
               f'src="data:image/png;base64,{base64.b64encode(figure_png(figure[1])).decode()}">' if figure else "")
    rows = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in facts)
    return (f"<div style='border:1px solid #ccc;border-radius:6px;padding:10px;max-width:900px'>"
            f"<b>run {html.escape(run.path.name)}</b> <code>{html.escape(str(run.path))}</code>"
            f"<table>{rows}</table>{picture}</div>")


def _telling_figure(run):
    from . import inspect, plot

    if run.kind == "mlp":
        return "first layer's weights images", plot.plot_weights_images(inspect.weights_images(run.model, "hidden1"))
    if run.kind == "linear":
        names = run.dataset.get("class_names") or _class_names(run.model.config.num_classes)
        return "class templates", plot.plot_templates(run.model.templates().cpu().numpy(), names, "Class templates")
    if run.kind == "convnet":
        from .inspect.conv import first_layer_kernels

        return "first-layer kernels", plot.plot_kernels(first_layer_kernels(run.model))
    return None


def discovery_table(discovery) -> str:
    """Which LSTM cell tracks each text feature best, as an HTML table."""
    rows = "".join(
        f"<tr><td>{html.escape(f.feature.name)}</td><td>layer {f.best.layer + 1}, cell {f.best.cell}</td>"
        f"<td>{f.best.score:.3f}</td><td>{'high' if f.best.positive else 'low'} where it holds</td>"
        f"<td>{'yes' if f.interpretable else 'no'}</td></tr>" for f in discovery.findings)
    return ("<table><tr><th>feature</th><th>best cell</th><th>score</th><th>sign</th><th>readable</th></tr>"
            f"{rows}</table><p>{100 * discovery.interpretable_fraction:.1f}% of cells pass the line for at "
            f"least one feature.</p>")


HTML: dict[str, Callable[..., str]] = {
    "neuronscope.runs.run:Run": run_card,
    "neuronscope.inspect.discovery:CellDiscovery": discovery_table,
}


def register(shell) -> None:
    """Teach an IPython shell's display formatters every result type, by name (nothing is imported)."""
    formatters = shell.display_formatter.formatters
    for key in FIGURES:
        module, name = key.split(":")
        formatters["image/png"].for_type_by_name(module, name, png)
    for key, render in HTML.items():
        module, name = key.split(":")
        formatters["text/html"].for_type_by_name(module, name, render)


def register_with_running_kernel() -> None:
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None and hasattr(shell, "display_formatter"):
        register(shell)
