"""Request and response bodies of the lab's JSON API, validated by pydantic."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field, field_validator, model_validator

MAX_SIDE = 512


class InferRequest(BaseModel):
    """A grayscale image, row by row, ink in [0, 1].

    ``preprocess="mnist"`` treats it as a free drawing (any size up to 512x512) and prepares it
    the way MNIST digits were made, ``"digits"`` the way scikit-learn's 8x8 digits were; ``"none"``
    expects exactly the model's input shape. ``dx``, ``dy`` (pixels) and ``scale`` are applied to the
    prepared input, to see where the network breaks.
    """

    pixels: list[float] = Field(min_length=1, max_length=MAX_SIDE * MAX_SIDE)
    height: int = Field(ge=1, le=MAX_SIDE)
    width: int = Field(ge=1, le=MAX_SIDE)
    preprocess: str = Field(default="none", pattern="^(none|mnist|digits)$")
    dx: int = Field(default=0, ge=-28, le=28)
    dy: int = Field(default=0, ge=-28, le=28)
    scale: float = Field(default=1.0, ge=0.25, le=4.0)

    @field_validator("pixels")
    @classmethod
    def _in_range(cls, pixels: list[float]) -> list[float]:
        values = np.asarray(pixels, dtype=np.float64)
        bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0.0) & (values <= 1.0)))
        if len(bad):
            raise ValueError(f"pixel {bad[0]} is {values[bad[0]]}; every pixel must be a finite number in [0, 1]")
        return pixels

    @model_validator(mode="after")
    def _size_matches(self) -> InferRequest:
        if len(self.pixels) != self.height * self.width:
            raise ValueError(f"{len(self.pixels)} pixels do not make a {self.height}x{self.width} image")
        return self


class InferResponse(BaseModel):
    input: list[float]  # the network's actual input, row by row
    activations: dict[str, list[float]]  # per layer, output last
    probabilities: list[float]
    prediction: int
    confidence: float


class HealthHint(BaseModel):
    kind: str  # never-predicted, dead-relu, stuck-sigmoid, unused-pixels
    message: str
    layer: str
    neurons: list[int]  # the neurons it points at (pixels for unused-pixels)


class RunSummary(BaseModel):
    name: str
    kind: str = Field(description="mlp or convnet")
    architecture: str
    layers: list[int] = Field(description="units per layer: pixels, then neurons (a ConvNet's conv layers: "
                                          "channels)")
    map_shapes: dict[str, list[int]] = Field(description="feature-map size of each conv layer (ConvNets only)")
    activation: str
    output: str
    dataset: str
    image_shape: list[int]
    class_names: list[str]
    layer_names: list[str]
    epochs: int
    test_accuracy: float | None
    parameters: int  # weights and biases


class NeuronResponse(BaseModel):
    layer: str
    index: int
    weights_image: list[float]  # row by row, image_shape
    reach: float  # the palette's reach for the whole layer's weights images, as in its figure
    image_shape: list[int]
    projected: bool
    reads: str = Field(description="what the weights image is drawn over")
    pushes: list[dict]  # the neurons of the next layer it feeds, strongest weights first
    class_effects: list[float]  # per output class; empty for output neurons
    class_effects_direct: bool  # True when these are its own weights to the output layer


class SampleResponse(BaseModel):
    index: int
    label: int
    pixels: list[float]


class LayerWeights(BaseModel):
    weight: list[float]  # (outputs, inputs) row by row
    bias: list[float]
    inputs: int
    outputs: int


class MapThumbnail(BaseModel):
    point: int  # which point of the map
    pixels: list[float]  # its test image, row by row


class MapResponse(BaseModel):
    layer: str
    method: str
    title: str
    placement: str  # how a new input is put on the map
    coords: list[list[float]]  # (points, 2)
    labels: list[int]
    activations: list[list[float]] | None  # t-SNE/UMAP: each point's activations, for nearest neighbours
    mean: list[float] | None  # PCA: the activations' mean
    components: list[list[float]] | None  # PCA: (2, units)
    colors: list[str]  # one per class, as in the figures
    thumbnails: list[MapThumbnail]


class SnapshotsResponse(BaseModel):
    epochs: list[int]  # kept epochs in order; 0 is the untrained network
    test_accuracy: list[float | None]  # after each kept epoch


class ConvolutionWeights(BaseModel):
    weight: list[float]  # (outputs, inputs, kernel, kernel) flattened
    bias: list[float]
    inputs: int
    outputs: int
    kernel: int


class WeightsResponse(BaseModel):
    activation: str
    output: str
    layers: list[LayerWeights]  # the dense layers
    image_shape: list[int] | None = None  # ConvNets: the input's size
    convolutions: list[ConvolutionWeights] | None = None  # ConvNets: padded to keep the size, ReLU, 2x2 max pool


class ErrorBody(BaseModel):
    """Every 4xx answer: one line saying what was wrong."""

    error: str


ERRORS = {status: {"model": ErrorBody} for status in (400, 404, 413, 422)}


# ---- the vision page -------------------------------------------------------------------------------
class Answer(BaseModel):
    prediction: int
    confidence: float
    probabilities: list[float]


class VisionLayer(BaseModel):
    name: str
    units: int
    conv: bool


class VisionRun(BaseModel):
    name: str
    kind: str
    dataset: str | None
    class_names: list[str]
    input_shape: list[int]  # (channels, height, width)
    layers: list[VisionLayer]
    conv_layers: list[str]
    test_accuracy: float | None
    parameters: int


class VisionSample(Answer):
    index: int
    label: int
    shape: list[int]
    pixels: list[float]  # (channels, height, width) flattened


class TensorValues(BaseModel):
    shape: list[int]
    values: list[float]  # flattened


class NamedTensor(TensorValues):
    name: str


class FeatureMaps(BaseModel):
    label: int
    layers: list[NamedTensor]  # each (channels, height, width)


class TopImage(BaseModel):
    index: int
    label: int
    value: float
    row: float  # where in the input the channel fired hardest
    col: float
    pixels: list[float]


class TopImages(BaseModel):
    layer: str
    channel: int
    images: list[TopImage]


class RenderingValues(BaseModel):
    images: list[list[float]]  # one flattened (channels, height, width) image per unit
    start: list[float]
    final: list[float]
    total_variation: list[float]


class VisualizeResponse(BaseModel):
    shape: list[int]
    objective: str
    raw: RenderingValues
    regularized: RenderingValues


class AttackResponse(BaseModel):
    label: int
    shape: list[int]
    original: list[float]
    adversarial: list[float]
    perturbation: list[float]
    linf: float
    l2: float
    before: Answer
    after: Answer


class FoolResponse(BaseModel):
    target: int
    confidence: float
    steps: int
    shape: list[int]
    image: list[float]


class DreamResponse(BaseModel):
    label: int
    shape: list[int]
    original: list[float]
    image: list[float]
    amplification: list[float]  # the layer's response relative to the original, after each step
    octave_sizes: list[list[int]]


# ---- the text page ---------------------------------------------------------------------------------
class TextRunInfo(BaseModel):
    name: str
    corpus: str | None
    language: str | None = Field(description="the corpus's code language (a pygments name); null for prose")
    cell: str
    layers: int
    hidden: int
    signals: list[str]
    val_nats: float | None
    val_bits: float | None
    parameters: int


class ActivationsResponse(BaseModel):
    chars: list[str]
    signal: str
    layer: int
    values: list[list[float] | None]  # per character, every cell; null for characters the model skipped
    unknown: list[str]
    reach: list[float]  # per cell, the palette's reach


class SampledCharValues(BaseModel):
    char: str
    probability: float
    alternatives: list[tuple[str, float]]


class SampleTextResponse(BaseModel):
    chars: list[SampledCharValues]


class CellFinding(BaseModel):
    feature: str
    binary: bool
    layer: int
    cell: int
    score: float
    positive: bool
    runners_up: list[tuple[int, int, float]]


class CellsResponse(BaseModel):
    """The findings of ``neuronscope text cells`` (its cells.json)."""

    neuronscope: str
    run: str
    corpus: dict
    model: dict
    final: dict
    analyzed_characters: int
    interpretable_fraction: float
    interpretable_lines: dict[str, float]
    features: list[CellFinding]
    samples: dict[str, str]
