"""Which cells are interpretable? Each cell's activation is scored against each text feature:
binary features by the AUC of a one-cell threshold classifier (0.5 = no better than chance, 1 =
the cell alone separates the two cases; a cell that is low where the feature holds counts too),
counted features by the absolute Pearson correlation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from .cells import CellTrace
from .text_features import TextFeature

INTERPRETABLE_AUC = 0.9
INTERPRETABLE_CORRELATION = 0.7
SNIPPET_CHARS = 240


@dataclass(frozen=True)
class CellScore:
    layer: int  # 0-based
    cell: int
    score: float  # AUC folded to >= 0.5, or |correlation|
    positive: bool  # True when the cell is high where the feature holds (or grows with it)


@dataclass(frozen=True)
class FeatureFinding:
    feature: TextFeature
    best: CellScore
    runners_up: list[CellScore]
    snippet: slice  # a stretch of the text where the feature changes, to show the best cell on

    @property
    def interpretable(self) -> bool:
        return self.best.score >= (INTERPRETABLE_AUC if self.feature.binary else INTERPRETABLE_CORRELATION)


@dataclass(frozen=True)
class CellDiscovery:
    findings: list[FeatureFinding]
    scores: dict[str, np.ndarray]  # feature name -> (layers, hidden) scores
    interpretable_fraction: float  # cells that pass the line for at least one feature

    def finding(self, name: str) -> FeatureFinding:
        for finding in self.findings:
            if finding.feature.name == name:
                return finding
        raise KeyError(f"no feature named {name!r}; the features are {[f.feature.name for f in self.findings]}")


def auc_per_column(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(columns,) AUC of each column of ``values`` (n, columns) as a score for ``labels`` (n,) in {0, 1}."""
    positives = labels.astype(bool)
    p, q = int(positives.sum()), int((~positives).sum())
    ranks = rankdata(values, axis=0)  # ties share their mean rank, as the AUC's definition wants
    return (ranks[positives].sum(axis=0) - p * (p + 1) / 2) / (p * q)


def correlation_per_column(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    centred = values - values.mean(axis=0)
    t = target - target.mean()
    spread = np.sqrt((centred ** 2).sum(axis=0) * (t ** 2).sum())
    return np.divide(centred.T @ t, spread, out=np.zeros(values.shape[1]), where=spread > 0)


def signal_scores(values: np.ndarray, feature: TextFeature) -> tuple[np.ndarray, np.ndarray]:
    """(columns,) how well each column of ``values`` (n, columns) tracks ``feature``: the AUC folded to >= 0.5
    for a binary feature, |correlation| for a counted one; and whether each column is high where it holds
    (or grows with it)."""
    if feature.binary:
        raw = auc_per_column(values, feature.values)
        return np.maximum(raw, 1 - raw), raw >= 0.5
    raw = correlation_per_column(values, feature.values)
    return np.abs(raw), raw >= 0


def discover_cells(trace: CellTrace, features: list[TextFeature], top: int = 5) -> CellDiscovery:
    """Score every cell of every layer against every feature; the best cells per feature first."""
    states = np.stack([trace.states(l) for l in range(len(trace.layers))])  # (layers, n, hidden)
    layers, n, hidden = states.shape
    flat = states.transpose(1, 0, 2).reshape(n, layers * hidden).astype(np.float64)
    findings, scores = [], {}
    passed = np.zeros(layers * hidden, dtype=bool)
    for feature in features:
        if len(feature.values) != n:
            raise ValueError(f"feature {feature.name!r} has {len(feature.values)} values for {n} characters")
        folded, positive = signal_scores(flat, feature)
        passed |= folded >= (INTERPRETABLE_AUC if feature.binary else INTERPRETABLE_CORRELATION)
        order = np.argsort(-folded, kind="stable")[:top]
        ranked = [CellScore(int(k // hidden), int(k % hidden), float(folded[k]), bool(positive[k])) for k in order]
        findings.append(FeatureFinding(feature, ranked[0], ranked[1:], signal_window(feature)))
        scores[feature.name] = folded.reshape(layers, hidden)
    return CellDiscovery(findings, scores, float(passed.mean()))


def signal_window(feature: TextFeature, width: int = SNIPPET_CHARS) -> slice:
    """The window of ``width`` characters where the feature varies most: for a binary feature the
    most even mix of both cases, for a counted one the largest spread."""
    values = feature.values
    if len(values) <= width:
        return slice(0, len(values))
    starts = range(0, len(values) - width + 1, width // 4)
    if feature.binary:
        ones = np.array([values[s:s + width].sum() for s in starts])
        quality = np.minimum(ones, width - ones)
    else:
        quality = np.array([values[s:s + width].std() for s in starts])
    start = list(starts)[int(np.argmax(quality))]
    return slice(start, start + width)
