"""Every Python block of the README runs as written, on small data prepared where it expects it."""

import os
import re
from pathlib import Path

import pytest

import neuronscope as ns

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def readme_folder(tmp_path_factory, shared_data):
    """The runs the README's snippets open, trained briefly on slices of the real data."""
    folder = tmp_path_factory.mktemp("readme")
    mnist = ns.load_dataset("mnist", shared_data, train_size=1000, test_size=200, progress=False)
    model, training = ns.build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="nielsen",
                                       epochs=2)
    ns.train(folder / "runs" / "nielsen", mnist, model, training, progress=False)
    modern = ns.build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="modern", epochs=2)
    ns.train(folder / "runs" / "mlp", mnist, *modern, progress=False)
    ns.train(folder / "runs" / "convnet", mnist, ns.ConvNetConfig(channels=(4, 8), dense=16),
             ns.ModuleTrainConfig(epochs=1), progress=False)
    corpus = ns.load_corpus("python-stdlib", max_chars=30_000, progress=False)
    vocabulary = "".join(sorted(set(corpus.text)))
    ns.train(folder / "runs" / "stdlib", corpus, ns.CharRNNConfig(vocabulary, hidden=16, layers=1, embedding=8),
             ns.CharTrainConfig(seq_len=50, batch_size=16, epochs=1, eval_every=50), progress=False)
    return folder


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_each_python_block_of_the_readme_runs(index, readme_folder, monkeypatch):
    monkeypatch.chdir(readme_folder)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("XDG_CACHE_HOME", str(readme_folder / "cache"))  # the ImageNet network is kept there
    exec(compile(BLOCKS[index], f"README.md block {index + 1}", "exec"), {"__name__": "__main__"})
    assert os.getcwd() == str(readme_folder)
