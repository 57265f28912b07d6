"""Two-feature toy data sets for seeing decision boundaries: each point has two numbers and a class
(two classes, or up to eight for ``blobs`` and ``spirals``); and a user's own points from a CSV file."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..choices import MAX_TOY_CLASSES, TOY_DATASETS
from ..errors import ConfigError

MAX_TOY_POINTS = 5000
MANY_CLASSES = ("blobs", "spirals")  # the sets that can have more than two classes
MAX_TOY_CSV_BYTES = 1_000_000


@dataclass(frozen=True)
class ToyData:
    """``points`` (n, 2) float64, ``labels`` (n,) int64 in 0..classes-1; names say what the axes and
    classes mean."""

    name: str
    points: np.ndarray
    labels: np.ndarray
    feature_names: tuple[str, str] = ("x1", "x2")
    class_names: tuple[str, ...] = ("class 0", "class 1")

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def make_toy(name: str, n: int = 200, noise: float = 0.1, seed: int = 0, classes: int | None = None) -> ToyData:
    """``n`` points of the named set, evenly shared by its classes; ``noise`` is the spread added to
    every point, as a fraction of the set's size (0 gives clean sets; ``cats-dogs`` always has its
    natural spread). ``blobs`` and ``spirals`` take up to eight ``classes`` (blobs: 3 when not given)."""
    if name not in TOY_DATASETS:
        raise ConfigError(f"unknown toy data set {name!r}; choose one of {', '.join(TOY_DATASETS)}")
    if not 2 <= n <= MAX_TOY_POINTS:
        raise ConfigError(f"a toy data set has 2..{MAX_TOY_POINTS} points, got {n}")
    if not (np.isfinite(noise) and 0 <= noise <= 1):
        raise ConfigError(f"noise is a fraction in [0, 1], got {noise}")
    classes = classes or (3 if name == "blobs" else 2)
    if not 2 <= classes <= (MAX_TOY_CLASSES if name in MANY_CLASSES else 2):
        raise ConfigError(f"{name} has 2 classes" if name not in MANY_CLASSES else
                          f"{name} takes 2..{MAX_TOY_CLASSES} classes, got {classes}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    rng.shuffle(labels)
    if name == "cats-dogs":
        return _cats_and_dogs(labels, noise, rng)
    points = _SHAPES[name](labels, rng, classes)
    points = points + rng.normal(0.0, noise, size=points.shape)
    names = _CLASS_NAMES.get(name) if classes == 2 else None
    return ToyData(name, points, labels.astype(np.int64),
                   class_names=names or tuple(f"class {c}" for c in range(classes)))


def _linear(labels, rng, classes):
    # uniform in the square, class by the side of the line x2 = 0.5 x1 + 0.1, keeping a margin around it
    points = np.empty((len(labels), 2))
    for label in (0, 1):
        wanted = np.flatnonzero(labels == label)
        found = np.empty((0, 2))
        while len(found) < len(wanted):
            candidates = rng.uniform(-1, 1, size=(4 * len(wanted) + 4, 2))
            side = candidates[:, 1] - (0.5 * candidates[:, 0] + 0.1)
            found = np.concatenate([found, candidates[(np.abs(side) > 0.1) & ((side > 0) == bool(label))]])
        points[wanted] = found[: len(wanted)]
    return points


def _xor(labels, rng, classes):
    # class 1 in the quadrants where the signs of x1 and x2 differ; kept off the axes so clean XOR is exact
    magnitude = rng.uniform(0.1, 1.0, size=(len(labels), 2))
    first_sign = rng.choice([-1.0, 1.0], size=len(labels))
    second_sign = np.where(labels == 1, -first_sign, first_sign)
    return magnitude * np.stack([first_sign, second_sign], axis=1)


def _circles(labels, rng, classes):
    radius = np.where(labels == 1, rng.uniform(0.0, 0.45, len(labels)), rng.uniform(0.65, 1.0, len(labels)))
    angle = rng.uniform(0, 2 * np.pi, len(labels))
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def _spirals(labels, rng, classes):
    # one arm per class, the arms evenly spaced around the center
    t = np.sqrt(rng.uniform(0.02, 1.0, len(labels)))
    angle = 3.5 * np.pi * t + 2 * np.pi * labels / classes
    return np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)


def _blobs(labels, rng, classes):
    # one round cloud per class, their centers evenly spaced on a circle
    angle = 2 * np.pi * labels / classes + np.pi / 2
    centers = 0.7 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return centers + rng.normal(0.0, 0.18, size=(len(labels), 2))


def _cats_and_dogs(labels, noise, rng) -> ToyData:
    # shoulder height (cm) and weight (kg): house cats around 25 cm / 4.5 kg, small-to-medium dogs
    # around 45 cm / 15 kg; the spread grows with noise so the blobs can be made to overlap
    spread = 1.0 + 4.0 * noise
    dog = labels == 1
    height = np.where(dog, rng.normal(45, 6 * spread, len(labels)), rng.normal(25, 2.5 * spread, len(labels)))
    weight = np.where(dog, rng.normal(15, 4 * spread, len(labels)), rng.normal(4.5, 1.2 * spread, len(labels)))
    points = np.stack([np.clip(height, 10, None), np.clip(weight, 1, None)], axis=1)
    return ToyData("cats-dogs", points, labels.astype(np.int64), ("height (cm)", "weight (kg)"), ("cat", "dog"))


_SHAPES = {"linear": _linear, "xor": _xor, "circles": _circles, "spirals": _spirals, "blobs": _blobs}
_CLASS_NAMES = {"linear": ("below", "above"), "xor": ("same signs", "different signs"),
                "circles": ("outer ring", "inner disc"), "spirals": ("spiral A", "spiral B")}


def load_toy_csv(path: str | Path) -> ToyData:
    """A user's own 2-D points from a CSV file: see :func:`toy_from_csv`."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    if path.stat().st_size > MAX_TOY_CSV_BYTES:
        raise ConfigError(f"{path}: {path.stat().st_size:,} bytes is over the {MAX_TOY_CSV_BYTES:,} a toy CSV may have")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start})") from None
    return toy_from_csv(text, path.stem)


def toy_from_csv(text: str, name: str = "your data") -> ToyData:
    """Rows of ``x1, x2, label`` (comma, semicolon or tab separated), with or without a header row
    (which then names the axes); labels are any words or numbers, 2 to 8 different ones, sorted
    into classes (numerically when they are all numbers)."""
    if len(text.encode()) > MAX_TOY_CSV_BYTES:
        raise ConfigError(f"the CSV is over the {MAX_TOY_CSV_BYTES:,} bytes a toy data set may have")
    try:
        rows = [row for row in csv.reader(io.StringIO(text), _dialect(text)) if any(cell.strip() for cell in row)]
    except csv.Error as e:  # such as a field past the reader's size limit
        raise ConfigError(f"not a CSV of x1, x2, label ({e})") from None
    if not rows:
        raise ConfigError("the CSV is empty: give rows of x1, x2, label")
    feature_names = ("x1", "x2")
    if not (_is_number(rows[0][0]) and len(rows[0]) > 1 and _is_number(rows[0][1])):
        feature_names, rows = (rows[0][0].strip() or "x1", rows[0][1].strip() or "x2") if len(rows[0]) > 1 \
            else feature_names, rows[1:]
    if not 2 <= len(rows) <= MAX_TOY_POINTS:
        raise ConfigError(f"a toy data set has 2..{MAX_TOY_POINTS:,} points; the CSV has {len(rows):,}")
    points, labels = np.empty((len(rows), 2)), []
    for number, row in enumerate(rows, 1):
        if len(row) != 3:
            raise ConfigError(f"row {number}: expected 3 values (x1, x2, label), got {len(row)}")
        for column in (0, 1):
            if not _is_number(row[column]):
                raise ConfigError(f"row {number}: {row[column].strip()[:40]!r} is not a finite number")
            points[number - 1, column] = float(row[column])
        labels.append(row[2].strip())
    names = sorted(set(labels), key=lambda label: (0, float(label), "") if _is_number(label) else (1, 0.0, label))
    if not 2 <= len(names) <= MAX_TOY_CLASSES:
        raise ConfigError(f"a toy data set has 2..{MAX_TOY_CLASSES} classes; the CSV's labels have {len(names)}")
    index = {label: k for k, label in enumerate(names)}
    return ToyData(name, points, np.array([index[label] for label in labels], dtype=np.int64), feature_names,
                   tuple(names))


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False
