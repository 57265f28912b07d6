"""Packages whose names load their module on first use, so a command that needs little (``--version``,
a dense run's figures) never waits for what it does not use, PyTorch above all.

A package writes its public names once, as imports under ``if TYPE_CHECKING:`` (what type checkers,
editors and the documentation read) and in ``__all__``; at run time :func:`lazy_exports` reads those
imports from the package's own source and loads each module when one of its names is first used.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from importlib import import_module
from pathlib import Path


def typing_imports(init_file: str) -> dict[str, str]:
    """Each name imported under ``if TYPE_CHECKING:`` in ``init_file`` -> its submodule (relative)."""
    exports = {}
    for node in ast.parse(Path(init_file).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.level == 1:
                    exports.update({alias.asname or alias.name: statement.module for alias in statement.names})
    return exports


def lazy_exports(package: str, init_file: str) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` (whose ``__init__.py`` is ``init_file``)."""
    exports = typing_imports(init_file)

    def getattr_(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f".{exports[name]}", package), name)

    def dir_() -> list[str]:
        return sorted(set(exports) | set(vars(import_module(package))))

    return getattr_, dir_
