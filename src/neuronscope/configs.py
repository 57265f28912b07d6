"""One declarative scheme for every configuration: a frozen dataclass deriving from :class:`Settings`
lists its limits in ``constraints`` (field -> constraint, in the spirit of scikit-learn's
``_parameter_constraints``), is checked when it is made, and goes to and from the JSON kept in a
run's ``config.json``. The limits shared by every training configuration are defined once here."""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any, ClassVar

from .errors import ConfigError


class Constraint:
    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def normalize(self, value: Any) -> Any:
        return value


class Whole(Constraint):
    """A whole number (not a bool, not 16.7) in [low, high]."""

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def accepts(self, value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def __str__(self) -> str:
        return f"a whole number from {self.low} to {self.high}"


class Number(Constraint):
    """A finite number in the interval; ``open_low``/``open_high`` exclude the ends."""

    def __init__(self, low: float, high: float, *, open_low: bool = False, open_high: bool = False):
        self.low, self.high, self.open_low, self.open_high = low, high, open_low, open_high

    def accepts(self, value) -> bool:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return False
        above = value > self.low if self.open_low else value >= self.low
        below = value < self.high if self.open_high else value <= self.high
        return above and below

    def __str__(self) -> str:
        return (f"a finite number in {'(' if self.open_low else '['}{self.low:g}, {self.high:g}"
                f"{')' if self.open_high else ']'}")


class OneOf(Constraint):
    def __init__(self, *options):
        self.options = options

    def accepts(self, value) -> bool:
        return any(value == o and type(value) is type(o) for o in self.options)

    def __str__(self) -> str:
        return "one of " + ", ".join(map(str, self.options))


class Optional(Constraint):
    def __init__(self, inner: Constraint):
        self.inner = inner

    def accepts(self, value) -> bool:
        return value is None or self.inner.accepts(value)

    def __str__(self) -> str:
        return f"{self.inner} (or none)"


class Each(Constraint):
    """A list of values each meeting ``inner``, with ``low``..``high`` entries; kept as a tuple."""

    def __init__(self, inner: Constraint, low: int = 1, high: int = 64):
        self.inner, self.low, self.high = inner, low, high

    def normalize(self, value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    def accepts(self, value) -> bool:
        return isinstance(value, tuple) and self.low <= len(value) <= self.high and all(map(self.inner.accepts, value))

    def __str__(self) -> str:
        count = str(self.low) if self.low == self.high else f"{self.low} to {self.high}"
        return f"a list of {count} entries, each {self.inner}"


class Text(Constraint):
    def __init__(self, low: int = 1, high: int = 100_000):
        self.low, self.high = low, high

    def accepts(self, value) -> bool:
        return isinstance(value, str) and self.low <= len(value) <= self.high

    def __str__(self) -> str:
        return f"text of {self.low} to {self.high} characters"


def check_fields(values: dict, constraints: dict[str, Constraint], what: str, required: tuple[str, ...] = ()) -> None:
    """Check a plain JSON object against a constraints table: no unknown keys, every present value valid."""
    unknown = set(values) - set(constraints)
    if unknown:
        raise ConfigError(f"unknown {what} settings: {', '.join(sorted(unknown))}")
    for name in required:
        if name not in values:
            raise ConfigError(f"the {what} description has no {name!r}")
    for name, value in values.items():
        constraint = constraints[name]
        if not constraint.accepts(constraint.normalize(value)):
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
            raise ConfigError(f"{what} {name} must be {constraint}, got {shown}")


# The limits every training configuration shares.
LEARNING_RATE = Number(0, 100, open_low=True)
EPOCHS = Whole(1, 100_000)
BATCH_SIZE = Whole(1, 1_000_000)
L2 = Number(0, 1_000_000)
SEED = Whole(0, 2**63 - 1)


class Settings:
    """Base of every configuration dataclass. ``constraints`` checks each field when the object is
    made; ``kind`` (model configurations) is written into the JSON; ``renamed`` maps names older runs
    used to today's, so their config.json still opens."""

    constraints: ClassVar[dict[str, Constraint]] = {}
    kind: ClassVar[str | None] = None
    renamed: ClassVar[dict[str, str]] = {}
    what: ClassVar[str] = "configuration"

    def __post_init__(self):
        for name, constraint in self.constraints.items():
            value = constraint.normalize(getattr(self, name))
            object.__setattr__(self, name, value)
            if not constraint.accepts(value):
                shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
                raise ConfigError(f"{name} must be {constraint}, got {shown}")

    def to_json(self) -> dict:
        """The fields as plain JSON (tuples as lists), after ``"kind"`` for model configurations."""
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        return {"kind": self.kind, **values} if self.kind else values

    @classmethod
    def from_json(cls, data: dict):
        """The configuration a JSON object describes; unknown settings are refused."""
        if not isinstance(data, dict):
            raise ConfigError(f"a {cls.what} description is a JSON object")
        values = {cls.renamed.get(k, k): v for k, v in data.items() if not (cls.kind and k == "kind")}
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown {cls.what} settings: {', '.join(sorted(unknown))}")
        try:
            return cls(**values)
        except TypeError as e:
            raise ConfigError(f"{cls.what} description is incomplete ({e})") from None
