"""Dictionary features of a character-level model's cells: a sparse autoencoder on one layer's cell
states, and, for each nameable text signal (inside quotes, inside brackets, line ends...), the single cell
and the single dictionary feature that track it best."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..choices import ANALYZED_CHARS
from ..data.text import validation_start
from ..errors import ConfigError
from ..feature_configs import FEATURES_PER_UNIT, SAEConfig
from ..inspect.cells import MAX_TRACED_CHARS, trace_cells
from ..inspect.discovery import INTERPRETABLE_AUC, signal_scores
from ..inspect.polysemanticity import ClassMix, class_mix
from ..inspect.sae import SAEQuality, SparseAutoencoder, encode_all, sae_quality
from ..inspect.text_features import TextFeature, text_features
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import TEXT_KINDS, Run, open_run
from .features import cached_sae

TRAINING_CHARS = 100_000
OTHER = "none of these"
CLEAN = 0.95  # a unit fires cleanly on a signal when that share of its strongest characters has it
CLEARLY_BETTER = 0.02  # a feature must beat the best cell by this much to count as following a signal better


def character_labels(features: list[TextFeature]) -> tuple[np.ndarray, tuple[str, ...]]:
    """One class per character for class mixes: the first binary text signal that holds there (in the
    order :func:`text_features` lists them), else "none of these"."""
    binary = [f for f in features if f.binary]
    labels = np.full(len(features[0].values) if features else 0, len(binary), dtype=np.int64)
    for index in range(len(binary) - 1, -1, -1):
        labels[binary[index].values > 0] = index
    return labels, tuple(f.name for f in binary) + (OTHER,)


def both_signs(states: np.ndarray) -> np.ndarray:
    """(n, 2 * cells): each cell's rise above 0 and its fall below, as two units: a cell says as much by
    going low as by going high, while a dictionary feature only rises."""
    return np.concatenate([np.maximum(states, 0), np.maximum(-states, 0)], axis=1)


@dataclass(frozen=True)
class SignalMatch:
    """For one text signal: the cell and the dictionary feature whose activations follow it best (AUC
    folded to >= 0.5 for binary signals, |correlation| for counted ones)."""

    signal: str
    binary: bool
    cell: int
    cell_score: float
    feature: int
    feature_score: float

    @property
    def feature_wins(self) -> bool:
        return self.feature_score > self.cell_score + CLEARLY_BETTER


def best_matches(features: list[TextFeature], cells: np.ndarray, encoded: np.ndarray) -> list[SignalMatch]:
    matches = []
    for signal in features:
        scores = [signal_scores(values.astype(np.float64), signal)[0] for values in (cells, encoded)]
        cell, feature = int(np.argmax(scores[0])), int(np.argmax(scores[1]))
        matches.append(SignalMatch(signal.name, signal.binary, cell, float(scores[0][cell]), feature,
                                   float(scores[1][feature])))
    return matches


@dataclass(frozen=True)
class CleanFiring:
    """For one yes/no text signal: how cleanly units fire on it, as the share of a unit's ``top`` strongest
    characters where the signal holds (a monosemantic unit: 1). The best cell may say it by rising or by
    falling (``cell_falls``). ``clean_*``: how many units (each sign of a cell one unit) reach :data:`CLEAN`."""

    signal: str
    base_rate: float  # the share of all characters where the signal holds
    cell: int
    cell_falls: bool
    cell_precision: float
    feature: int
    feature_precision: float
    clean_cells: int
    clean_features: int

    @property
    def feature_wins(self) -> bool:
        return self.feature_precision > self.cell_precision + CLEARLY_BETTER

    @property
    def cell_name(self) -> str:
        return f"{self.cell} {'falling' if self.cell_falls else 'rising'}"


def top_precision(units: np.ndarray, holds: np.ndarray, top: int) -> np.ndarray:
    """(units,) the share of each unit's ``top`` strongest characters where ``holds``; 0 for units firing
    (> 0) on fewer than half of them, which are too rare to judge."""
    order = np.argpartition(-units, top - 1, axis=0)[:top]
    fired = np.take_along_axis(units, order, 0) > 0
    hits = (holds[order] & fired).sum(0)
    return np.where(fired.sum(0) >= top / 2, hits / np.maximum(fired.sum(0), 1), 0.0)


def clean_firing(signals: list[TextFeature], states: np.ndarray, encoded: np.ndarray, top: int) -> list[CleanFiring]:
    cells = both_signs(states)
    hidden = states.shape[1]
    found = []
    for signal in (s for s in signals if s.binary):
        holds = signal.values > 0
        cell_scores, feature_scores = top_precision(cells, holds, top), top_precision(encoded, holds, top)
        best_cell, best_feature = int(np.argmax(cell_scores)), int(np.argmax(feature_scores))
        found.append(CleanFiring(signal.name, float(holds.mean()), best_cell % hidden, best_cell >= hidden,
                                 float(cell_scores[best_cell]), best_feature,
                                 float(feature_scores[best_feature]), int((cell_scores >= CLEAN).sum()),
                                 int((feature_scores >= CLEAN).sum())))
    return found


@dataclass
class CellFeatureStudy:
    run: Run
    layer: int  # 0-based
    sae: SparseAutoencoder
    quality: SAEQuality
    cells: ClassMix
    features: ClassMix
    matches: list[SignalMatch]
    firing: list[CleanFiring]
    top: int
    text: str
    cell_states: np.ndarray
    feature_activations: np.ndarray
    seconds: float
    training_chars: int

    def results(self) -> dict:
        return {"run": str(self.run.path), "layer": self.layer + 1, "sae": self.sae.config.to_json(),
                "quality": self.quality.to_json(), "sae_seconds": self.seconds, "analyzed_characters": len(self.text),
                "polysemanticity": {name: {"mean_classes_needed": mix.mean_classes_needed,
                                           "live_units": int(len(mix.live))}
                                    for name, mix in (("cells", self.cells), ("features", self.features))},
                "signals": [{"signal": m.signal, "binary": m.binary, "cell": m.cell, "cell_score": m.cell_score,
                             "feature": m.feature, "feature_score": m.feature_score} for m in self.matches],
                "clean_firing": {"top_characters": self.top, "clean": CLEAN,
                                 "signals": [asdict(f) for f in self.firing]}}

    def report(self) -> ExperimentReport:
        from ..plot.features import plot_polysemanticity, plot_signal_scores, plot_text_tracks

        q = self.quality
        cleaner = [f for f in self.firing if f.feature_wins]
        following = [m for m in self.matches if m.feature_wins]
        summary = [
            f"Layer {self.layer + 1} of {self.run.path.name} has {self.cell_states.shape[1]} cells. A sparse "
            f"autoencoder with {q.features} features was trained on their states over "
            f"{self.training_chars:,} characters of text in {self.seconds:.1f} s; on {len(self.text):,} characters of "
            f"validation text it explains {100 * q.variance_explained:.1f}% of the states' variance with {q.l0:.1f} "
            f"features active per character.",
            f"Firing cleanly (the share of a unit's {self.top} strongest characters where a signal holds): for "
            f"{len(cleaner)} of {len(self.firing)} yes/no signals a single dictionary feature fires more cleanly than "
            f"any single cell" + (": " + ", ".join(f"{f.signal} ({100 * f.feature_precision:.0f}% against "
                                                    f"{100 * f.cell_precision:.0f}%)" for f in cleaner) if cleaner
                                   else "") + f". {sum(f.clean_features for f in self.firing)} features and "
            f"{sum(f.clean_cells for f in self.firing)} cell signs fire on one signal at least "
            f"{100 * CLEAN:.0f}% of the time.",
            f"Following the whole signal (AUC, |r|) is another matter: a feature usually fires on one part of where a "
            f"signal holds, so a single feature follows a whole signal better than every cell for {len(following)} of "
            f"{len(self.matches)} signals. A unit's top characters need {self.cells.mean_classes_needed:.2f} "
            f"signals on average to cover most of them for a cell (each sign of a cell counted as a unit), "
            f"{self.features.mean_classes_needed:.2f} for a feature.",
        ]
        tables = [Table(f"Firing cleanly: the share of the unit's {self.top} strongest characters where the signal "
                        f"holds",
                        ["signal", "holds on", "best cell", "share", f"cells >= {100 * CLEAN:.0f}%", "best feature",
                         "share", f"features >= {100 * CLEAN:.0f}%"],
                        [[f.signal, f"{100 * f.base_rate:.0f}%", f.cell_name, f"{100 * f.cell_precision:.0f}%",
                          f.clean_cells, f.feature, f"{100 * f.feature_precision:.0f}%", f.clean_features]
                         for f in self.firing]),
                  Table("Following the whole signal: the best single cell and the best single feature (AUC for "
                        "yes/no signals, |correlation| for counted ones)",
                        ["signal", "best cell", "score", "best feature", "score"],
                        [[m.signal, m.cell, f"{m.cell_score:.3f}", m.feature, f"{m.feature_score:.3f}"]
                         for m in self.matches])]
        shown = sorted(self.firing, key=lambda f: f.feature_precision - f.cell_precision, reverse=True)[:3]
        tracks = [(f.signal, f.cell, f.feature,
                   f"{f.signal}: cell {f.cell_name} fires {100 * f.cell_precision:.0f}% cleanly, feature {f.feature} "
                   f"{100 * f.feature_precision:.0f}%") for f in shown]
        figures = [NamedFigure("signals", "Cells against features, signal by signal",
                               "How well the best single cell and the best single dictionary feature follow each "
                               f"whole text signal; the dashed line is the {INTERPRETABLE_AUC} AUC that counts as "
                               "interpretable.", lambda: plot_signal_scores(self.matches)),
                   NamedFigure("polysemanticity", "How many signals each unit answers to",
                               "Each character is labelled by the first signal that holds there.",
                               lambda: plot_polysemanticity(self.cells, self.features, f"layer {self.layer + 1}")),
                   NamedFigure("tracks", "The text, colored by the cleanest cell and the cleanest feature",
                               "For the signals where the dictionary gains most: the text with the signal marked, "
                               "then colored by the cell's state (blue high, red low) and by the feature's "
                               "activation.",
                               lambda: plot_text_tracks(self.text, tracks, self.cell_states, self.feature_activations,
                                                        text_features(self.text, self.run.code_language)))]
        return ExperimentReport("cell-features", f"Cells and dictionary features of layer {self.layer + 1}", summary,
                                figures, tables, self.results())

    def _repr_html_(self) -> str:
        return self.report()._repr_html_()


def _texts(run: Run, data_dir, chars: int) -> tuple[str, str]:
    """(training stretch for the dictionary, validation stretch to judge it on)."""
    corpus = run.load_corpus(data_dir)
    start = validation_start(len(corpus.text), run.training.val_fraction, run.training.seq_len)
    training = corpus.text[:min(start, TRAINING_CHARS, MAX_TRACED_CHARS)]
    return training, corpus.text[start:start + chars]


def study_cell_features(run: str | Run, layer: int | None = None, sae: SAEConfig | None = None, *, data_dir=None,
                        chars: int = ANALYZED_CHARS, texts: tuple[str, str] | None = None, reuse: bool = True,
                        progress: bool = True) -> CellFeatureStudy:
    """Train (or reuse) a dictionary of layer ``layer`` (1-based; default the last) of a character-level run's
    cells, and compare its features with the cells on validation text. ``sae`` defaults to 8 features per
    cell; ``texts``: (text to learn the dictionary from, text to judge it on), by default the start of the
    run's corpus and ``chars`` characters of its validation part."""
    run = run if isinstance(run, Run) else open_run(run, kinds=TEXT_KINDS)
    run.expect_kind(TEXT_KINDS)
    layers, hidden = run.model.config.layers, run.model.config.hidden
    layer = layers if layer is None else layer
    if not 1 <= layer <= layers:
        raise ConfigError(f"{run.path.name} has cell layers 1..{layers}, not {layer}")
    sae = sae or SAEConfig(features=FEATURES_PER_UNIT * hidden)
    training_text, text = texts or _texts(run, data_dir, chars)
    if len(training_text) < 1000 or len(text) < 100:
        raise ConfigError(f"{run.path.name}'s text is too short to learn a dictionary from")
    training = trace_cells(run.model, training_text[:MAX_TRACED_CHARS]).states(layer - 1)
    dictionary, seconds = cached_sae(run, f"cells{layer}", sae, training, progress, reuse)
    states = trace_cells(run.model, text).states(layer - 1)
    encoded = encode_all(dictionary, states)
    signals = text_features(text, run.code_language)
    labels, names = character_labels(signals)
    top = min(50, len(text))
    strongest = max(10, len(text) // 200)  # the top 0.5% of characters
    return CellFeatureStudy(run, layer - 1, dictionary, sae_quality(dictionary, states),
                            class_mix(both_signs(states), labels, len(names), top=top),
                            class_mix(encoded, labels, len(names), top=top), best_matches(signals, states, encoded),
                            clean_firing(signals, states, encoded, strongest), strongest, text, states, encoded,
                            seconds, len(training))
