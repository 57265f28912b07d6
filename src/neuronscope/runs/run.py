"""A run, the unit users keep: ``config.json`` (its kind, data, model and training settings),
``model.safetensors``, ``metrics.json`` and, while it can be continued, ``training_state.safetensors``.
:func:`open_run` opens every kind; asked for kinds it is not, it says what the run is and which
commands take it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..configs import check_fields
from ..data import Dataset, load_dataset
from ..errors import CheckpointError, ConfigError
from .kinds import DENSE_KINDS, IMAGE_KINDS, KINDS, TEXT_KINDS, Kind
from .layout import CONFIG, MODEL, read_history, read_json, snapshot_epochs, snapshot_file
from .weights import check_state_dict, load_arrays, load_tensors, read_header

if TYPE_CHECKING:
    import torch
    from torch import nn

    from ..models.dense import DenseArrays


@dataclass(repr=False)
class Run:
    """A trained (or training) model with everything needed to recompute its figures.

    ``dataset`` describes the data it was trained on (for character-level runs, the corpus),
    including ``location``, the folder its files were found in, so later commands find them again.
    """

    path: Path
    kind: str
    model: nn.Module | DenseArrays  # DenseArrays when opened ``as_arrays``
    training: object | None  # the training configuration; None for imported weights
    dataset: dict
    history: list[dict] = field(default_factory=list)

    @property
    def epoch(self) -> int:
        """Completed epochs (for character-level runs, whole passes over the text)."""
        return int(self.history[-1].get("epoch", 0)) if self.history else 0

    @property
    def test_accuracy(self) -> float | None:
        return self.history[-1].get("test_accuracy") if self.history else None

    @property
    def parameter_count(self) -> int:
        """How many weights and biases the model has (3Blue1Brown's 784-16-16-10 network: 13,002)."""
        return sum(math.prod(p.shape) for p in self.model.parameters())

    @property
    def vocabulary(self):
        """A character-level run's characters, in id order."""
        from ..data.text import Vocabulary

        self.expect_kind(TEXT_KINDS)
        return Vocabulary(self.model.config.vocabulary)

    def expect_kind(self, kinds: Iterable[str]) -> None:
        """Refuse, in one line that names this run's kind and its commands, unless it is one of ``kinds``."""
        check_kind(self.path, self.kind, tuple(kinds))

    def load_data(self, data_dir=None, *, train_size: int | None = None, test_size: int | None = None,
                  progress: bool = True) -> Dataset:
        """The dataset the run was trained on (by default the same slice sizes), found where it was found
        then unless ``data_dir`` says otherwise."""
        return self._load(data_dir, train_size, test_size, progress, ("train", "test"))

    def load_test_set(self, data_dir=None, *, test_size: int | None = None, progress: bool = True) -> Dataset:
        """The run's test images only, for analyses that look at nothing else (the training split is empty
        and its files are not read)."""
        return self._load(data_dir, None, test_size, progress, ("test",))

    def _load(self, data_dir, train_size, test_size, progress, splits) -> Dataset:
        self.expect_kind(IMAGE_KINDS)
        return load_dataset(self.dataset["name"], data_dir or self.dataset.get("location"),
                            train_size=train_size or self.dataset.get("train_size"),
                            test_size=test_size or self.dataset.get("test_size"), progress=progress, splits=splits)

    def load_corpus(self, data_dir=None, *, progress: bool = False):
        """The text a character-level run was trained on."""
        from ..data.text import load_corpus

        self.expect_kind(TEXT_KINDS)
        if not self.dataset.get("source"):
            raise CheckpointError(f"{self.path} does not record where its text came from; give the text to analyze")
        return load_corpus(self.dataset["source"], data_dir or self.dataset.get("location"), progress=progress,
                           max_chars=self.dataset.get("characters"))

    def in_pytorch(self) -> Run:
        """This run with its network in PyTorch: itself, unless it was opened ``as_arrays``."""
        from ..models.dense import DenseArrays

        return open_run(self.path, kinds=(self.kind,)) if isinstance(self.model, DenseArrays) else self

    @property
    def snapshot_epochs(self) -> list[int]:
        """The epochs whose weights the run kept (trained with snapshots); epoch 0 is the untrained network."""
        return snapshot_epochs(self.path)

    def snapshot(self, epoch: int) -> nn.Module:
        """The network as it was after ``epoch`` (on the CPU, in eval mode), read from its snapshot."""
        file = snapshot_file(self.path, epoch)
        if not file.is_file():
            kept = self.snapshot_epochs
            where = f"epochs {kept[0]}..{kept[-1]}" if kept else "none: train with --snapshots to keep them"
            raise ConfigError(f"{self.path} kept no weights for epoch {epoch}; it kept {where}")
        model = KINDS[self.kind].build(self.model.config)
        load_weights(file, model)
        return model.eval()

    def snapshot_accuracy(self) -> list[float | None]:
        """The test accuracy after each kept epoch (None where the history has none: epoch 0)."""
        accuracy = {entry.get("epoch"): entry.get("test_accuracy") for entry in self.history}
        return [accuracy.get(epoch) for epoch in self.snapshot_epochs]

    @property
    def code_language(self) -> str | None:
        """The pygments language of a character-level run's corpus when it is code, else None."""
        from ..data.text import corpus_language

        return corpus_language(self.dataset)

    @property
    def architecture(self) -> str:
        """What network this is, in a few words: ``ConvNet channels 8-16, dense 64``."""
        config = self.model.config
        shape = {"mlp": lambda: "-".join(map(str, config.layers)),
                 "convnet": lambda: f"channels {'-'.join(map(str, config.channels))}, dense {config.dense}",
                 "linear": lambda: "x".join(map(str, config.image_shape)),
                 "char-rnn": lambda: f"{config.layers}x{config.hidden} {config.cell.upper()}",
                 "imagenet": lambda: f"EfficientNet-{config.variant.title()}"}[self.kind]()
        return f"{KINDS[self.kind].title.removeprefix('a ').removeprefix('an ')} {shape}"

    def describe(self) -> str:
        """One line: kind, architecture, data, progress."""
        parts = [f"{self.architecture} ({self.parameter_count:,} weights and biases)",
                 f"on {self.dataset.get('name', '?')}"]
        if self.history:
            final = self.history[-1]
            if "test_accuracy" in final:
                epochs = f"{self.epoch} epoch" + ("s" if self.epoch != 1 else "")
                parts.append(f"{epochs}, {100 * final['test_accuracy']:.2f}% test accuracy")
            elif "val_bits" in final:
                parts.append(f"{final.get('step', 0)} steps, {final['val_bits']:.3f} bits/char")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}: {self.describe()})"


def run_kind(path: str | Path) -> str:
    """What a run directory holds, as its config.json records it (``mlp`` for runs saved before kinds
    were recorded)."""
    kind = read_json(Path(path) / CONFIG).get("kind", "mlp")
    if kind not in KINDS:
        raise CheckpointError(f"{Path(path) / CONFIG}: unknown kind of run {kind!r}")
    return kind


def check_kind(path: Path, kind: str, wanted: tuple[str, ...]) -> None:
    if kind not in wanted:
        found = KINDS[kind]
        raise CheckpointError(f"{path} holds {found.title} (kind {kind!r}), not "
                              f"{' or '.join(KINDS[k].title for k in wanted)}; use {found.commands}")


def open_run(path: str | Path, device: str | None = "cpu", *, kinds: Iterable[str] | None = None,
             as_arrays: bool = False) -> Run:
    """Open a run directory of any kind (or only of ``kinds``); refuse it if any file is missing,
    corrupt or does not fit the others. ``as_arrays`` reads a dense network into NumPy
    (:class:`~neuronscope.models.DenseArrays`) without loading PyTorch, for looking at it only."""
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(f"{path}: no such run directory")
    kind = KINDS[run_kind(path)]
    if kinds is not None:
        check_kind(path, kind.name, tuple(kinds))
    if as_arrays:
        check_kind(path, kind.name, DENSE_KINDS)
    model_config, training, dataset = read_config(path, kind)
    expected = check_weights_fit(path / MODEL, kind, model_config)
    if as_arrays:
        model = read_arrays(path / MODEL, model_config, expected)
    else:
        from ..training import pick_device

        model = kind.build(model_config)
        load_weights(path / MODEL, model)
        model = model.to(pick_device(device)).eval()
    return Run(path, kind.name, model, training, dataset, read_history(path))


def read_config(path: Path, kind: Kind):
    """(model configuration, training configuration or None, data description) from config.json; a
    missing or malformed entry means a damaged run."""
    config = read_json(path / CONFIG)
    try:
        model = kind.model_config.from_json(config["model"])
        training = kind.training.from_json(config["training"]) if config.get("training") else None
        dataset = config[kind.data_key]
        if not isinstance(dataset, dict):
            raise ConfigError(f"'{kind.data_key}' must be an object")
        check_fields(dataset, kind.data_fields, kind.data_key, required=("name",))
    except (KeyError, TypeError, ValueError, ConfigError) as e:
        raise CheckpointError(f"{path / CONFIG}: malformed ({e})") from None
    return model, training, dict(dataset)


MAX_PARAMETERS = 200_000_000  # 800 MB of float32: far past any network neuronscope trains


def check_weights_fit(file: Path, kind: Kind, config) -> dict[str, tuple[int, ...]]:
    """Compare the weights file's header with the tensors ``config`` describes before any memory is
    allocated: a config.json that asks for billions of weights, or a file that holds others, is refused
    from a few kilobytes of header. Returns the expected names and shapes."""
    expected = kind.state_shapes(config)
    total = sum(math.prod(shape) for shape in expected.values())
    if total > MAX_PARAMETERS:
        raise CheckpointError(f"{file.parent / CONFIG}: describes a model of {total:,} parameters; at most "
                              f"{MAX_PARAMETERS:,} are opened")
    header = read_header(file)
    found = {name: tuple(entry.get("shape", ())) for name, entry in header.items()
             if name != "__metadata__" and isinstance(entry, dict)}
    if found != expected:
        differing = sorted(set(found) ^ set(expected)) or [n for n in expected if found[n] != expected[n]]
        raise CheckpointError(f"{file}: its tensors do not fit the model config.json describes (first difference: "
                              f"{differing[0]})")
    return expected


def load_weights(file: Path, model: nn.Module, prefix: str = "") -> tuple[dict[str, torch.Tensor], dict]:
    """Load ``model``'s weights (those under ``prefix``) from ``file``, refusing a file saved for another
    model than ``model.config`` describes; returns the file's tensors and metadata."""
    from ..training.state import under

    tensors, meta = load_tensors(file)
    check_saved_for(file, meta, model.config)
    weights = under(tensors, prefix)
    check_state_dict(file, weights, {name: (tuple(t.shape), t.is_floating_point())
                                     for name, t in model.state_dict().items()})
    model.load_state_dict(weights)
    return tensors, meta


def read_arrays(file: Path, config, expected: dict[str, tuple[int, ...]]) -> DenseArrays:
    """A dense network's weights from ``file`` as NumPy arrays, checked as :func:`load_weights` checks them."""
    from ..models.dense import DenseArrays

    arrays, meta = load_arrays(file)
    check_saved_for(file, meta, config)
    check_state_dict(file, arrays, {name: (shape, True) for name, shape in expected.items()})
    return DenseArrays.from_state(config, arrays)


def check_saved_for(file: Path, meta: dict, config) -> None:
    if meta.get("model") != config.to_json():
        raise CheckpointError(f"{file}: saved for model {meta.get('model')}, but config.json describes "
                              f"{config.to_json()}")
