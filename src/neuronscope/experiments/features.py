"""Beyond single neurons: how polysemantic a layer's neurons are, a sparse autoencoder's dictionary of
that layer, its features shown as neurons are, and (with a second seed's run) which of the two match
better across networks."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..errors import CheckpointError, ConfigError
from ..feature_configs import FEATURES_PER_UNIT, SAEConfig
from ..inspect import featurevis as fv
from ..inspect.activations import (
    accuracy_with_layer_replaced,
    along_units,
    layer_activations,
    pool_units,
    position_activations,
)
from ..inspect.hooks import channel_count
from ..inspect.matching import NeuronMatching, match_neurons
from ..inspect.polysemanticity import ClassMix, class_mix
from ..inspect.sae import SAEQuality, SparseAutoencoder, load_sae, sae_quality, save_sae, train_sae
from ..inspect.weights import pixel_projection
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import IMAGE_KINDS, Run, open_run
from ..runs.weights import tensor_digest

SHOWN = 16
# small images and small networks: free pixels smoothed now and then read better than Fourier images
SMOOTH = fv.Regularization(param="pixel", transforms=False, blur_every=3, blur_sigma=0.5)
FEATURES_FOLDER = "features"


def default_layer(run: Run) -> str:
    """The first layer whose units are worth reading: the first hidden layer, or a ConvNet's dense layer."""
    names = run.model.config.layer_names
    return "fc1" if "fc1" in names else names[0]


def check_layer(run: Run, layer: str) -> None:
    names = [n for n in run.model.config.layer_names if n != "output"]
    if layer not in names:
        raise ConfigError(f"{run.path.name} has no layer {layer!r} to study; choose one of {', '.join(names)}")


@dataclass(frozen=True)
class Universality:
    """Two seeds' networks: neurons matched to neurons, features to features, by how their activations
    correlate over the test images; ``*_live`` marks pairs where both units fire (the means use only those)."""

    other: str
    neurons: NeuronMatching
    features: NeuronMatching
    neurons_live: np.ndarray
    features_live: np.ndarray

    @property
    def neuron_correlation(self) -> float:
        return float(np.abs(self.neurons.correlation[self.neurons_live]).mean())

    @property
    def feature_correlation(self) -> float:
        return float(np.abs(self.features.correlation[self.features_live]).mean())


@dataclass
class FeatureStudy:
    """Everything the report shows about one layer: ``neurons`` and ``features`` are the class mixes of
    the layer's units and of the dictionary's features over the test images."""

    run: Run
    layer: str
    sae: SparseAutoencoder
    quality: SAEQuality
    accuracy: float
    spliced_accuracy: float
    neurons: ClassMix
    features: ClassMix
    test_images: np.ndarray
    class_names: tuple[str, ...]
    seconds: float
    neuron_directions: np.ndarray | None = None
    feature_directions: np.ndarray | None = None
    universality: Universality | None = None
    renderings: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def monosemantic_gain(self) -> float:
        """How many fewer classes a feature needs than a neuron, on average, as a share of the neurons'."""
        return 1 - self.features.mean_classes_needed / self.neurons.mean_classes_needed

    def results(self) -> dict:
        results = {
            "run": str(self.run.path), "layer": self.layer, "sae": self.sae.config.to_json(),
            "quality": self.quality.to_json(), "accuracy": self.accuracy, "spliced_accuracy": self.spliced_accuracy,
            "sae_seconds": self.seconds,
            "polysemanticity": {name: {"mean_classes_needed": mix.mean_classes_needed,
                                       "live_units": int(len(mix.live)), "units": int(len(mix.classes_needed)),
                                       "classes_needed": mix.classes_needed.tolist(),
                                       "mean_purity": float(mix.purity()[mix.live].mean()) if len(mix.live) else None,
                                       "top": int(mix.top.shape[1]), "cover": mix.cover}
                                for name, mix in (("neurons", self.neurons), ("features", self.features))},
        }
        if self.universality:
            u = self.universality
            results["universality"] = {"other_run": u.other, "neuron_correlation": u.neuron_correlation,
                                       "feature_correlation": u.feature_correlation,
                                       "neuron_pairs": int(u.neurons_live.sum()),
                                       "feature_pairs": int(u.features_live.sum())}
        return results

    def report(self) -> ExperimentReport:
        from ..plot.features import (
            plot_feature_gallery,
            plot_polysemanticity,
            plot_units_side_by_side,
            plot_universality,
        )

        q, n, f = self.quality, self.neurons, self.features
        gallery_units = f.ranked()[:SHOWN]
        summary = [
            f"Layer {self.layer} of {self.run.path.name} has {len(n.classes_needed)} units, {len(n.live)} of which "
            f"fire on the test images. A sparse autoencoder with {q.features} features "
            f"({self.sae.config.sparsity}{f', k = {self.sae.config.k}' if self.sae.config.sparsity == 'topk' else ''})"
            f" was trained on the layer's activations over the training images in {self.seconds:.1f} s.",
            f"On the test images it explains {100 * q.variance_explained:.1f}% of the activations' variance with "
            f"{q.l0:.1f} features active per image on average; {q.dead} features never fire. With the layer's "
            f"activations replaced by their reconstruction the network scores {100 * self.spliced_accuracy:.2f}% "
            f"against {100 * self.accuracy:.2f}% as it is.",
            f"A unit's top {n.top.shape[1]} test images need on average {n.mean_classes_needed:.2f} classes to "
            f"cover {100 * n.cover:.0f}% of them for a neuron and {f.mean_classes_needed:.2f} for a feature: "
            f"features are {100 * self.monosemantic_gain:.0f}% more monosemantic by this measure; "
            f"{100 * (n.classes_needed[n.live] == 1).mean():.0f}% of neurons and "
            f"{100 * (f.classes_needed[f.live] == 1).mean():.0f}% of features answer to one class.",
        ]
        tables = [Table("The dictionary", ["", "value"], [
            ["features (dead on the test images)", f"{q.features} ({q.dead})"],
            ["variance explained", f"{100 * q.variance_explained:.1f}%"],
            ["mean active features per image (L0)", f"{q.l0:.1f}"],
            ["test accuracy, layer as it is", f"{100 * self.accuracy:.2f}%"],
            ["test accuracy, layer replaced by its reconstruction", f"{100 * self.spliced_accuracy:.2f}%"]]),
            Table("How many classes a unit answers to", ["units", "live", "mean classes needed", "one class",
                                                          "mean share of the commonest class"],
                  [[name, len(mix.live), f"{mix.mean_classes_needed:.2f}",
                    f"{100 * (mix.classes_needed[mix.live] == 1).mean():.0f}%",
                    f"{100 * mix.purity()[mix.live].mean():.0f}%"] for name, mix in (("neurons", n), ("features", f))])]
        images, names = self.test_images, self.class_names
        figures = [
            NamedFigure("neurons_vs_features", "Neurons against features",
                        "Each row is one unit: what it answers to (the classes of its top test images), "
                        + ("its direction in pixels (blue likes, red dislikes), " if self.neuron_directions is not None
                           else "") + "and the test images that excite it most.",
                        lambda: plot_units_side_by_side(n, f, images, names, layer=self.layer,
                                                        neuron_directions=self.neuron_directions,
                                                        feature_directions=self.feature_directions, shown=SHOWN)),
            NamedFigure("polysemanticity", "How polysemantic are neurons and features?",
                        "The share of units whose top test images need 1, 2, ... classes to cover most of them.",
                        lambda: plot_polysemanticity(n, f, self.layer)),
            NamedFigure("feature_gallery", "The dictionary's most readable features",
                        "Each feature as a neuron would be shown: its direction carried to pixels, the input "
                        "activation maximization draws for it, and its top test images.",
                        lambda: plot_feature_gallery(f, gallery_units, images, names, layer=self.layer,
                                                     directions=self.feature_directions,
                                                     renderings=self._renderings(gallery_units))),
        ]
        if self.universality:
            u = self.universality
            summary.append(f"Against {u.other}, trained from another seed, matched neurons correlate "
                           f"{u.neuron_correlation:.2f} on average and matched features {u.feature_correlation:.2f} "
                           f"(over the {int(u.neurons_live.sum())} and {int(u.features_live.sum())} pairs where both "
                           f"units fire).")
            figures.append(NamedFigure("universality", "Universality across seeds",
                                       "Each unit paired with its best match in the other network (Hungarian "
                                       "matching of activation correlations over the test images).",
                                       lambda: plot_universality(u.neurons.correlation[u.neurons_live],
                                                                 u.features.correlation[u.features_live])))
        return ExperimentReport("features", f"Neurons and dictionary features of {self.layer}", summary, figures,
                                tables, self.results())

    def _renderings(self, units) -> dict[int, np.ndarray] | None:
        if not self.renderings:
            return None
        blank = np.zeros_like(next(iter(self.renderings.values())))
        return {int(u): self.renderings.get(int(u), blank) for u in units}

    def _repr_html_(self) -> str:
        return self.report()._repr_html_()


def cached_sae(run: Run, layer: str, config: SAEConfig, activations: np.ndarray, progress: bool,
                reuse: bool) -> tuple[SparseAutoencoder, float]:
    """The run's dictionary for ``layer`` and ``config``, trained once and kept in the run folder beside
    a digest of the weights it was trained on. One per layer: another configuration, changed weights or
    a damaged file mean training again and replacing it."""
    path = run.path / FEATURES_FOLDER / f"{layer}.sae.safetensors"
    digest = tensor_digest(run.model.state_dict())
    if reuse and path.is_file():
        try:
            sae, meta = load_sae(path)
        except CheckpointError:
            sae, meta = None, {}
        seconds = meta.get("seconds")
        if (sae is not None and meta.get("model_digest") == digest and sae.config == config
                and sae.width == activations.shape[1] and isinstance(seconds, (int, float))):
            return sae, float(seconds)
    start = time.perf_counter()
    sae = train_sae(activations, config, progress=progress)
    seconds = time.perf_counter() - start
    save_sae(path, sae, {"layer": layer, "model_digest": digest, "seconds": seconds})
    return sae, seconds


def layer_width(run: Run, layer: str) -> int:
    """How many neurons (or channels) ``layer`` of an image run has."""
    check_layer(run, layer)
    shape = list(run.dataset.get("image_shape") or run.model.config.image_shape)
    return channel_count(run.model, layer, (3 if len(shape) == 3 else 1, shape[0], shape[1]))


def study_features(run: str | Path | Run, layer: str | None = None, sae: SAEConfig | None = None, *,
                   compare: str | Path | Run | None = None, data_dir=None, train_size: int | None = None,
                   test_size: int | None = None, render_steps: int = 128, reuse: bool = True,
                   progress: bool = True) -> FeatureStudy:
    """Train (or reuse) a sparse autoencoder on ``layer`` of an image run and compare its features with
    the layer's neurons; ``compare``: the same network from another seed, for universality. ``sae``
    defaults to 8 features per neuron (channel), k = 16."""
    run = run if isinstance(run, Run) else open_run(run, kinds=IMAGE_KINDS)
    run.expect_kind(("mlp", "convnet"))
    layer = layer or default_layer(run)
    check_layer(run, layer)
    data = run.load_data(data_dir, train_size=train_size, test_size=test_size, progress=progress)
    train = position_activations(run.model, data.train_images, layer)
    sae = sae or SAEConfig(features=FEATURES_PER_UNIT * train.shape[1])
    dictionary, seconds = cached_sae(run, layer, sae, train, progress, reuse)
    test = layer_activations(run.model, data.test_images, layer)
    encoded = layer_activations(run.model, data.test_images, layer, dictionary.encode)
    top = min(50, len(data.test_labels))
    quality = sae_quality(dictionary, position_activations(run.model, data.test_images, layer, seed=1))
    study = FeatureStudy(
        run, layer, dictionary, quality,
        accuracy=accuracy_with_layer_replaced(run.model, data.test_images, data.test_labels, layer, None),
        spliced_accuracy=accuracy_with_layer_replaced(run.model, data.test_images, data.test_labels, layer,
                                                      dictionary.forward),
        neurons=class_mix(test, data.test_labels, data.num_classes, top=top),
        features=class_mix(encoded, data.test_labels, data.num_classes, top=top),
        test_images=data.test_images, class_names=data.class_names, seconds=seconds)
    if run.kind == "mlp":
        pixels = pixel_projection(run.model, layer).astype(np.float32)  # (units, inputs)
        shape = run.model.config.image_shape
        study.neuron_directions = pixels.reshape(-1, *shape)
        study.feature_directions = (dictionary.decoder.detach().cpu().numpy() @ pixels).reshape(-1, *shape)
    if render_steps:
        study.renderings = render_features(run, layer, dictionary, study.features.ranked()[:SHOWN],
                                           steps=render_steps, input_shape=data.tensor_shape)
    if compare is not None:
        study.universality = _universality(run, compare, layer, sae, data, test, encoded, study, progress, reuse)
    return study


def render_features(run: Run, layer: str, dictionary: SparseAutoencoder, units, *, steps: int,
                    input_shape: tuple[int, int, int]) -> dict[int, np.ndarray]:
    """Activation maximization of dictionary features: the input that drives each feature's encoder hardest."""
    units = [int(u) for u in units]
    if not units:
        return {}

    def values(activations, images):
        encoded = pool_units(along_units(dictionary.pre_activations, activations[layer]))
        return encoded[torch.arange(len(units)), torch.tensor(units)]

    objective = fv.Objective(values, frozenset([layer]), f"{layer} features")
    with torch.enable_grad():
        rendering = fv.render(run.model, objective, input_shape, batch=len(units), steps=steps,
                              regularization=SMOOTH)
    return {u: rendering.images[i].numpy() for i, u in enumerate(units)}


def _universality(run: Run, compare, layer: str, config: SAEConfig, data, test: np.ndarray, encoded: np.ndarray,
                  study: FeatureStudy, progress: bool, reuse: bool) -> Universality:
    other = compare if isinstance(compare, Run) else open_run(compare, kinds=(run.kind,))
    if other.model.config != run.model.config:
        raise ConfigError(f"{other.path.name} is not the same network as {run.path.name}: universality compares "
                          f"one architecture trained from two seeds")
    train = position_activations(other.model, data.train_images, layer)
    other_sae, _ = cached_sae(other, layer, config, train, progress, reuse)
    other_test = layer_activations(other.model, data.test_images, layer)
    other_encoded = layer_activations(other.model, data.test_images, layer, other_sae.encode)
    top = study.neurons.top.shape[1]
    other_neurons = class_mix(other_test, data.test_labels, data.num_classes, top=top)
    other_features = class_mix(other_encoded, data.test_labels, data.num_classes, top=top)
    neurons = match_neurons(test.T, other_test.T)
    features = match_neurons(encoded.T, other_encoded.T)
    return Universality(other.path.name, neurons, features,
                        ~study.neurons.silent & ~other_neurons.silent[neurons.partner],
                        ~study.features.silent & ~other_features.silent[features.partner])
