"""ImageNet-1k's 1,000 class names (in the order of every ImageNet classifier's outputs), and finding
a class by name forgivingly: "Goldfish", "great-white shark", "tabby" or 1 all work, and a name that
is not one gets the nearest ones suggested."""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib import resources

from ..errors import ConfigError

DOG_BREEDS = range(151, 269)  # ImageNet-1k's 118 dog breeds: Chihuahua (151) to Mexican hairless (268)


@cache
def imagenet_classes() -> tuple[str, ...]:
    return tuple(resources.files(__package__).joinpath("classes.txt").read_text().splitlines())


def _simple(name: str) -> str:
    return re.sub(r"[\s_\-']+", " ", name.strip().lower())


def find_class(name: str | int, class_names: tuple[str, ...] | list[str] | None = None) -> int:
    """The index of the class called ``name`` (any case, spaces, hyphens or underscores), or of the
    one class whose name contains it; a number is taken as the index itself."""
    names = tuple(class_names or imagenet_classes())
    if isinstance(name, int) or (isinstance(name, str) and name.strip().lstrip("#").isdigit()):
        index = int(str(name).strip().lstrip("#"))
        if not 0 <= index < len(names):
            raise ConfigError(f"class numbers are 0..{len(names) - 1}, got {index}")
        return index
    wanted = _simple(str(name))
    if not wanted:
        raise ConfigError("give a class name, such as goldfish, or its number")
    simple = [_simple(n) for n in names]
    if wanted in simple:
        return simple.index(wanted)
    containing = [i for i, n in enumerate(simple) if re.search(rf"\b{re.escape(wanted)}\b", n)]
    if len(containing) == 1:
        return containing[0]
    if containing:
        listed = ", ".join(f"{names[i]} ({i})" for i in containing[:8])
        raise ConfigError(f"{name!r} could be {listed}{' ...' if len(containing) > 8 else ''}: give the full name "
                          f"or the number")
    near = difflib.get_close_matches(wanted, simple, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(names[simple.index(n)] for n in near)}?" if near else ""
    raise ConfigError(f"no class named {name!r}{hint}")
