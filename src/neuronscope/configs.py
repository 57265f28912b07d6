"""Configurations are frozen dataclasses kept in a run's ``config.json``; these turn them into JSON
and back, refusing settings the dataclass does not know."""

from __future__ import annotations

from dataclasses import asdict

from .errors import ConfigError


def config_to_json(config, kind: str | None = None) -> dict:
    """The fields as plain JSON (tuples as lists), after ``"kind": kind`` when the config names a model kind."""
    values = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}
    return {"kind": kind, **values} if kind else values


def config_from_json(cls, data: dict, what: str, *, kind: str | None = None):
    """``cls(**data)``; a ``"kind"`` entry is expected only when ``kind`` is given, and dropped."""
    if not isinstance(data, dict):
        raise ConfigError(f"a {what} description is a JSON object")
    values = {k: v for k, v in data.items() if not (kind and k == "kind")}
    unknown = set(values) - set(cls.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"unknown {what} settings: {', '.join(sorted(unknown))}")
    return cls(**values)
