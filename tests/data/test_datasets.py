import shutil
from pathlib import Path

import numpy as np
import pytest

from neuronscope.data import data_roots, load_dataset, read_idx
from neuronscope.errors import DataError, DownloadError


def test_mnist_slices_are_scaled_floats(mnist_small):
    assert mnist_small.train_images.shape == (600, 28, 28)
    assert mnist_small.test_images.shape == (300, 28, 28)
    assert mnist_small.train_images.dtype == np.float32
    assert 0.0 == mnist_small.train_images.min() and mnist_small.train_images.max() == 1.0
    assert set(np.unique(mnist_small.train_labels)) == set(range(10))


def test_full_training_set_is_preferred_over_the_10k_slice(shared_data):
    data = load_dataset("mnist", shared_data, test_size=10, progress=False)
    assert len(data.train_labels) == 60000 and len(data.test_labels) == 10


def test_any_number_of_training_images(tmp_path, shared_data):
    for name in ("train-10k-images-idx3-ubyte.gz", "train-10k-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data / "mnist" / name, tmp_path / name)
    data = load_dataset("mnist", tmp_path, download=False, progress=False)
    assert len(data.train_labels) == 10000


def test_digits_split_is_fixed_and_disjoint(digits):
    assert digits.image_shape == (8, 8)
    assert len(digits.train_labels) + len(digits.test_labels) == 1797
    again = load_dataset("digits")
    assert np.array_equal(digits.test_images, again.test_images)


def test_fashion_mnist_from_the_system_location():
    if not Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").exists():
        pytest.skip("Debian's dataset-fashion-mnist package is not installed")
    data = load_dataset("fashion-mnist", "/nonexistent", train_size=100, download=False, progress=False)
    assert data.class_names[9] == "Ankle boot" and data.train_images.shape == (100, 28, 28)


def test_data_dir_comes_before_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEURONSCOPE_DATA", str(tmp_path / "env"))
    roots = data_roots(tmp_path / "flag")
    assert roots[:2] == [tmp_path / "flag", tmp_path / "env"]


def test_missing_files_without_download(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz not found"):
        load_dataset("mnist", tmp_path, download=False)


def test_unknown_dataset():
    with pytest.raises(DataError, match="unknown dataset 'cifar'"):
        load_dataset("cifar")


def test_download_from_a_mirror_verifies_and_loads(tmp_path, monkeypatch, file_server, shared_data):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setattr("neuronscope.data.datasets.SOURCES", _sources_with_mirrors(file_server(shared_data / "mnist")))
    data = load_dataset("mnist", tmp_path / "cache", test_size=50, progress=False)
    downloaded = sorted(p.name for p in (tmp_path / "cache" / "mnist").iterdir())
    assert downloaded == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                          "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
    assert len(data.train_labels) == 60000
    official = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")[:50]
    assert np.array_equal((data.test_images * 255).round().astype(np.uint8), official)


def test_download_with_bad_checksum_leaves_nothing(tmp_path, monkeypatch, file_server, shared_data):
    served = tmp_path / "served"
    served.mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data / "mnist" / name, served / name)
    # a well-formed file with the wrong content, under the training-labels name
    shutil.copy(shared_data / "mnist" / "train-10k-labels-idx1-ubyte.gz", served / "train-labels-idx1-ubyte.gz")
    shutil.copy(shared_data / "mnist" / "train-10k-images-idx3-ubyte.gz", served / "train-images-idx3-ubyte.gz")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setattr("neuronscope.data.datasets.SOURCES", _sources_with_mirrors(file_server(served)))
    with pytest.raises(DownloadError, match="checksum mismatch"):
        load_dataset("mnist", tmp_path / "cache", progress=False)
    leftovers = list((tmp_path / "cache").rglob("train-*"))
    assert leftovers == []


def _sources_with_mirrors(url: str):
    from dataclasses import replace

    from neuronscope.data.datasets import SOURCES

    return {name: replace(source, mirrors=(url,), mirror_env="UNSET_MIRROR_VARIABLE")
            for name, source in SOURCES.items()}


def test_training_and_test_images_of_different_sizes_are_refused(tmp_path, shared_data, monkeypatch):
    from .test_idx import write_idx

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((5, 27, 27)))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(5))
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data / "mnist" / name, tmp_path / name)
    with pytest.raises(DataError, match=r"test images are \(28, 28\), training images \(27, 27\)"):
        load_dataset("mnist", tmp_path, download=False, progress=False)


def test_label_count_must_match_images(tmp_path, monkeypatch):
    from .test_idx import write_idx

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((5, 28, 28)))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(4))
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28)))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(2))
    with pytest.raises(DataError, match="4 labels for 5 images"):
        load_dataset("mnist", tmp_path, download=False, progress=False)


def test_the_cache_folder_follows_the_platform_convention(tmp_path, monkeypatch):
    import sys

    from neuronscope.data.roots import cache_dir, data_roots

    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache_dir() == tmp_path / "xdg" / "neuronscope"
    assert data_roots() == [cache_dir()]
