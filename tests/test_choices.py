"""The command line builds its parser from names alone, and those names are the library's."""

import subprocess
import sys

from neuronscope import choices
from neuronscope.basics import FESTIVAL, FESTIVAL_EXAMPLES
from neuronscope.cli import build_parser
from neuronscope.models.mlp import ACTIVATIONS
from neuronscope.training import PRESETS


def test_help_and_version_import_neither_torch_nor_numpy():
    code = ("import sys; from neuronscope.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('torch', 'numpy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_the_names_are_the_ones_the_library_implements():
    assert tuple(ACTIVATIONS) == choices.ACTIVATIONS and tuple(PRESETS) == choices.PRESETS


def test_the_festival_help_names_every_factor():
    festival = build_parser()._subparsers._group_actions[0].choices["basics"]
    help_text = festival._subparsers._group_actions[0].choices["festival"].format_help()
    for example in FESTIVAL_EXAMPLES.values():
        assert all(factor in " ".join(help_text.split()) for factor in example.weights)
    assert "default: 3, 2, 4, 2" in " ".join(help_text.split()) and list(FESTIVAL.values.values()) == [3, 2, 4, 2]
    assert "default: 4, 2, 2, 1" in " ".join(help_text.split()) and list(FESTIVAL.weights.values()) == [4, 2, 2, 1]


def test_every_public_name_of_a_package_that_loads_lazily_is_there():
    import importlib

    for name in ("models", "runs", "training", "plot", "experiments"):
        package = importlib.import_module(f"neuronscope.{name}")
        assert package.__all__ and all(getattr(package, member) is not None for member in package.__all__), name
        assert set(package.__all__) <= set(dir(package)), name
