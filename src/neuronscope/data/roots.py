"""Where dataset files are looked for: the ``data_dir`` argument, then ``$NEURONSCOPE_DATA``, then
``~/.cache/neuronscope``; within a root, first ``ROOT/<folder>/`` and then ``ROOT/`` itself."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def data_roots(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The directories searched for dataset files, in order; the first one receives downloads."""
    roots = [data_dir, os.environ.get("NEURONSCOPE_DATA"), Path.home() / ".cache" / "neuronscope"]
    return [Path(r).expanduser() for r in roots if r]


def find_in_roots(roots: list[Path], folder: str, names: Iterable[str], extra_dirs: Iterable[str] = ()) -> Path | None:
    """The first existing file called one of ``names`` (best first), searching each root's ``folder``, the
    root itself, then ``extra_dirs``."""
    names = tuple(names)
    for directory in [d for root in roots for d in (root / folder, root)] + [Path(d) for d in extra_dirs]:
        for name in names:
            if (directory / name).is_file():
                return directory / name
    return None
