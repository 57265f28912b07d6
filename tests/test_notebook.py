"""Results display themselves in notebooks: every registered type draws, and a real kernel shows them."""

import importlib
import json

import numpy as np
import pytest

from neuronscope import inspect, notebook
from neuronscope.plot import plot_weights_images


def test_every_registered_type_names_a_real_class():
    for key in [*notebook.FIGURES, *notebook.HTML]:
        module, name = key.split(":")
        assert isinstance(getattr(importlib.import_module(module), name), type), key


def test_results_draw_as_png(digits_run, digits):
    model = digits_run.model
    results = [inspect.weights_images(model, "hidden1"), inspect.lego_blocks(model, "output", k=2)[3],
               inspect.misclassified(model, digits.test_images, digits.test_labels, limit=12)]
    for result in results:
        data = notebook.png(result)
        assert data.startswith(b"\x89PNG") and len(data) > 5_000, type(result).__name__
    with pytest.raises(TypeError, match="no picture for ndarray"):
        notebook.png(np.zeros(3))


def test_plot_figures_show_themselves_without_pyplot(digits_run):
    figure = plot_weights_images(inspect.weights_images(digits_run.model, "hidden1"))
    assert figure._repr_png_().startswith(b"\x89PNG")


def test_a_run_shows_as_a_card_with_its_accuracy_and_weights(digits_run):
    card = notebook.run_card(digits_run)
    assert f"{100 * digits_run.test_accuracy:.2f}%" in card and "64-20-10" in card
    assert card.count('src="data:image/png;base64,') == 1


def test_a_fresh_kernel_shows_runs_and_results_and_never_loads_pyplot(tmp_path, digits_run):
    nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[dev]' for the notebook tests")
    nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[dev]' for the notebook tests")
    cells = [f"import neuronscope as ns\nrun = ns.open_run({str(digits_run.path)!r})\nrun",
             "ns.inspect.weights_images(run.model, 'hidden1')",
             "ns.plot.plot_weights_images(ns.inspect.weights_images(run.model, 'hidden1'))",
             "import sys\n'matplotlib.pyplot' in sys.modules"]
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = nbclient.NotebookClient(book, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": tmp_path}})
    client.execute()
    results = [next(o for o in cell.outputs if o.output_type == "execute_result")["data"] for cell in book.cells]
    assert "<table>" in results[0]["text/html"] and "accuracy" in results[0]["text/html"]
    assert results[1]["image/png"] and results[2]["image/png"]
    assert json.loads(results[3]["text/plain"].lower()) is False


def test_every_drawing_function_the_notebook_imports_exists():
    """The renderers load lazily; a renamed one would only fail when a notebook shows that result."""
    import re
    from pathlib import Path

    source = Path(notebook.__file__).read_text()
    imports = re.findall(r"from \.(\S*) import ([\w, ]+)", source)
    assert len(imports) >= 10
    for module, names in imports:
        loaded = importlib.import_module(f"neuronscope.{module}" if module else "neuronscope")
        for name in names.split(","):
            assert hasattr(loaded, name.strip()), f"neuronscope.{module}.{name.strip()}"
