"""The reports of image models trained with autograd: a ConvNet's kernels, feature maps, favorite
images, feature visualizations, dreams and weak spots; a linear classifier's templates."""

from __future__ import annotations

import torch
from tqdm.auto import tqdm

from .. import plot
from ..data import Dataset
from ..data.tensors import image_tensor
from ..inspect import featurevis as fv
from ..inspect.adversarial import accuracy_under_attack, fgsm, fooling_image, pgd
from ..inspect.conv import conv_layers, feature_map_layers, feature_maps, first_layer_kernels, top_activating
from ..inspect.dream import dream
from ..models import pre
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import Run

TOP_CHANNELS = 16
TOP_IMAGES = 8
SEARCHED_IMAGES = 10_000
ATTACKED_IMAGES = 1000


def attack_epsilons(data: Dataset) -> list[float]:
    """L-infinity budgets that span untouched to broken: digits need large changes, photos tiny ones."""
    if data.tensor_shape[0] == 3:
        return [0, 1 / 255, 2 / 255, 4 / 255, 8 / 255, 16 / 255]
    return [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]


def epsilon_text(epsilon: float) -> str:
    """0.1 as "0.1"; budgets of whole 8-bit gray levels, as photos' are, as "2/255"."""
    levels = epsilon * 255
    if 0 < epsilon < 0.1 and abs(levels - round(levels)) < 1e-6:
        return f"{round(levels)}/255"
    return f"{epsilon:.3g}"


def attack_figures(model, data: Dataset, name: str, epsilon: float | None = None,
                   compared: dict | None = None) -> tuple[list[NamedFigure], dict]:
    """FGSM and PGD on a few test images, accuracy against epsilon on up to 1,000 (also for the
    ``compared`` models, {name: model}, on the same images), and fooling images."""
    epsilons = attack_epsilons(data)
    epsilon = epsilon if epsilon is not None else epsilons[2]
    shown = epsilon_text(epsilon)
    count = min(ATTACKED_IMAGES, len(data.test_labels))
    x, y = image_tensor(data.test_images[:count]), torch.as_tensor(data.test_labels[:count])
    shown_x, shown_y = x[:6], y[:6]
    figures = [
        NamedFigure("attack_fgsm", "FGSM: one step along the gradient's sign",
                    f"Every pixel moves by ±{shown}, the direction that raises the loss fastest.",
                    plot.plot_attack(fgsm(model, shown_x, shown_y, epsilon), data.class_names,
                                     f"{name}: FGSM, ε = {shown}")),
        NamedFigure("attack_pgd", "PGD: twenty projected steps",
                    f"Twenty smaller steps, each projected back so no pixel moves by more than {shown}.",
                    plot.plot_attack(pgd(model, shown_x, shown_y, epsilon, steps=20), data.class_names,
                                     f"{name}: PGD-20, ε = {shown}")),
    ]
    every = {name: model, **(compared or {})}
    curves = {label: {method: accuracy_under_attack(m, x, y, epsilons, method=method, steps=20)
                      for method in ("fgsm", "pgd")} for label, m in every.items()}
    figures.append(NamedFigure("accuracy_under_attack", "Accuracy under attack",
                               f"Test accuracy on {count} images as the allowed change ε grows.",
                               plot.plot_accuracy_under_attack(epsilons, curves)))
    fooled = [fooling_image(model, c, data.tensor_shape, seed=c) for c in range(data.num_classes)]
    figures.append(NamedFigure("fooling_images", "Fooling images",
                               "Uniform noise, changed until the network gives a class at least 99% confidence.",
                               plot.plot_fooling_images(fooled, data.class_names)))
    results = {"epsilons": epsilons,
               "accuracy_under_attack": {m: c.tolist() for m, c in curves[name].items()},
               "compared": {label: {m: c.tolist() for m, c in methods.items()}
                            for label, methods in curves.items() if label != name},
               "fooling_confidence": [f.confidence for f in fooled]}
    return figures, results


def class_figure(model, data: Dataset, name: str, steps: int = 256) -> NamedFigure:
    raw, regularized = fv.raw_and_regularized(model, fv.class_logit(list(range(data.num_classes))),
                                              data.tensor_shape, batch=data.num_classes, steps=steps)
    return NamedFigure("visualize_classes", "What each class wants to see",
                       "Each image started as noise and was changed to raise one class's score. Top: free pixels "
                       "(noise the network loves); bottom: the same with a smooth (Fourier) parameterization "
                       "and random jitter, scaling and rotation. Numbers: the score reached.",
                       plot.plot_raw_vs_regularized(raw, regularized, data.class_names, f"{name}: class scores"))


def convnet_report(run: Run, data: Dataset, progress: bool = True) -> ExperimentReport:
    model, name = run.model, run.path.name
    shape = data.tensor_shape
    steps = tqdm(total=6, desc="figures", unit="step", disable=not progress, leave=False)
    kernels = first_layer_kernels(model)
    figures = [NamedFigure("kernels", "First-layer kernels",
                           "The small patterns the first layer slides over the image.",
                           plot.plot_kernels(kernels, conv_layers(model)[0]))]
    test_x = image_tensor(data.test_images[:SEARCHED_IMAGES])
    maps = feature_maps(model, test_x[0])
    figures.append(NamedFigure("feature_maps", "Feature maps", "Where each channel fires on one test image.",
                               plot.plot_feature_maps(test_x[0], maps,
                                                      f"{name}: feature maps of test image 0 "
                                                      f"({data.class_names[data.test_labels[0]]})")))
    steps.update()
    labels = [data.class_names[i] for i in data.test_labels[:SEARCHED_IMAGES]]
    for layer in feature_map_layers(model):
        top = top_activating(model, test_x, layer, k=TOP_IMAGES)
        channels = list(range(min(TOP_CHANNELS, top.indices.shape[0])))
        figures.append(NamedFigure(f"top_{layer}", f"What excites {layer}",
                                   f"For each of the first {len(channels)} {layer} channels, the {TOP_IMAGES} test "
                                   f"images (of {len(test_x)}) where it fires most.",
                                   plot.plot_top_examples(top, test_x, channels, labels)))
    steps.update()
    figures.append(class_figure(model, data, name))
    steps.update()
    last_conv = feature_map_layers(model)[-1]
    channels = list(range(min(10, len(maps[last_conv]))))
    # one position, not a channel's mean: a small network's channels fire in a few places only, and
    # random shifts would move the patch this neuron sees, so the regularizer here is smoothing
    smooth = fv.Regularization(param="pixel", transforms=False, blur_every=3, blur_sigma=0.5)
    raw, regularized = fv.raw_and_regularized(model, fv.neuron(pre(last_conv), channels), shape, batch=len(channels),
                                              regularization=smooth)
    figures.append(NamedFigure(f"visualize_{last_conv}", f"What a {last_conv} neuron wants to see",
                               f"Images optimized to raise one {last_conv} neuron's weighted sum per channel, the one at the center "
                               f"of the map; only the patch it sees changes. Top: free pixels; bottom: smoothed "
                               f"every 3 steps.",
                               plot.plot_raw_vs_regularized(raw, regularized, [f"{last_conv}:{c}" for c in channels],
                                                            f"{name}: {last_conv} neurons at the center")))
    steps.update()
    dreamed = dream(model, test_x[0], last_conv)
    figures.append(NamedFigure("dream", "Deep dream", f"Test image 0 changed to make {last_conv} respond more, "
                               f"over {len(dreamed.octave_sizes)} octaves.",
                               plot.plot_dream(dreamed, f"{name}: dreaming with {last_conv}")))
    steps.update()
    attacks, attack_results = attack_figures(model, data, name)
    figures.extend(attacks)
    steps.update()
    final = run.test_accuracy
    steps.close()
    summary = [f"A ConvNet ({' → '.join(f'{c} channels' for c in model.config.channels)} of "
               f"{model.config.kernel}x{model.config.kernel} kernels, {model.config.dense} dense neurons; "
               f"{run.parameter_count:,} weights and biases) trained on "
               f"{data.name}" + (f": {100 * final:.2f}% test accuracy." if final is not None else ".")]
    table = Table("Training", ["epoch", "train loss", "test accuracy", "seconds"],
                  [[h["epoch"], f"{h['train_loss']:.4f}", f"{100 * h['test_accuracy']:.2f}%", f"{h['seconds']:.1f}"]
                   for h in run.history])
    return ExperimentReport(name, f"What did {name} learn?", summary, figures, [table],
                            {"test_accuracy": final, **attack_results})


def templates_report(run: Run, data: Dataset) -> ExperimentReport:
    model, name = run.model, run.path.name
    loss = {"cross-entropy": "softmax", "hinge": "multiclass SVM"}[run.training.loss]
    # centered templates compare with each other on one scale; raw ones are mostly noise unless each is stretched
    stretch = "shared" if model.config.centered else "per-class"
    final = run.history[-1]["test_accuracy"]
    figures = [NamedFigure("templates", "Class templates",
                           "Each class's weights drawn as an image: the score of a class is the dot product of "
                           "the image with its template (plus a bias), so a template is the average picture the "
                           "class matches.",
                           plot.plot_templates(model.templates().cpu().numpy(), data.class_names,
                                               f"{name}: {loss} templates on {data.name} "
                                               f"({100 * final:.1f}% test accuracy)", stretch=stretch))]
    figures.append(class_figure(model, data, name, steps=128))
    return ExperimentReport(name, f"The templates of a {loss} classifier on {data.name}",
                            [f"A linear {loss} classifier on "
                             + ("the pixels minus the training set's mean image, trained with SGD and an L2 penalty "
                                "(the classic recipe), templates stretched together on one color scale"
                                if model.config.centered else "raw pixels, each template stretched on its own")
                             + f": {100 * final:.2f}% test accuracy."],
                            figures, [], {"test_accuracy": final, "loss": run.training.loss})

