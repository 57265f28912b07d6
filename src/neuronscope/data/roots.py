"""Where dataset files are looked for: the ``data_dir`` argument, then ``$NEURONSCOPE_DATA``, then
the platform's cache folder (``~/.cache/neuronscope`` on Linux); within a root, first ``ROOT/<folder>/`` and then ``ROOT/`` itself."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import DataError


def cache_dir() -> Path:
    """This platform's cache folder for neuronscope (``$XDG_CACHE_HOME/neuronscope`` or ``~/.cache/neuronscope``
    on Linux, ``~/Library/Caches/neuronscope`` on macOS, ``%LOCALAPPDATA%\\neuronscope\\Cache`` on Windows)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("neuronscope", appauthor=False))


def data_roots(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The directories searched for dataset files, in order; the first one receives downloads."""
    if data_dir is not None and Path(data_dir).expanduser().exists() and not Path(data_dir).expanduser().is_dir():
        raise DataError(f"{data_dir}: the data folder is a file; give the folder that holds the data")
    roots = [data_dir, os.environ.get("NEURONSCOPE_DATA"), cache_dir()]
    return [Path(r).expanduser() for r in roots if r]


def find_in_roots(roots: list[Path], folder: str, names: Iterable[str], extra_dirs: Iterable[str] = ()) -> Path | None:
    """The first existing file called one of ``names`` (best first), searching each root's ``folder``, the
    root itself, then ``extra_dirs``."""
    names = tuple(names)
    for directory in [d for root in roots for d in (root / folder, root)] + [Path(d) for d in extra_dirs]:
        for name in names:
            if (directory / name).is_file():
                return directory / name
            if (directory / name).exists():
                raise DataError(f"{directory / name}: not a regular file where the data file should be")
    return None
