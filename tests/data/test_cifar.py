"""CIFAR-10 from the JPEG archive in the shared data folder, from the official binary format (a tiny
archive built here), downloaded from a local server and verified; damaged archives refused."""

import hashlib
import io
import tarfile

import numpy as np
import pytest

from neuronscope.data import cifar, load_dataset
from neuronscope.errors import DataError


@pytest.fixture(autouse=True)
def _only_the_given_data_dir(monkeypatch, tmp_path):
    """The shared data folder (through $NEURONSCOPE_DATA) or a user cache must not stand in for the
    archives these tests build."""
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_the_jpeg_archive_gives_balanced_color_images(shared_data):
    data = load_dataset("cifar10", shared_data, train_size=200, test_size=50, progress=False)
    assert data.train_images.shape == (200, 32, 32, 3) and data.test_images.shape == (50, 32, 32, 3)
    assert data.train_images.dtype == np.float32 and 0 <= data.train_images.min() and data.train_images.max() <= 1
    assert np.bincount(data.train_labels, minlength=10).tolist() == [20] * 10
    assert data.class_names[3] == "cat" and data.tensor_shape == (3, 32, 32)
    # real photographs: neighbouring pixels agree far more than in noise, and color varies
    assert np.abs(np.diff(data.train_images, axis=1)).mean() < 0.1
    assert data.train_images.std(axis=(0, 1, 2)).min() > 0.15


def _binary_archive(path, records_per_batch=3, *, drop=None, bad_size=False, seed=0):
    """The official binary layout with a few random records per batch."""
    rng = np.random.default_rng(seed)
    with tarfile.open(path, "w:gz") as tar:
        for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            if name == drop:
                continue
            labels = rng.integers(0, 10, records_per_batch, dtype=np.uint8)
            pixels = rng.integers(0, 256, (records_per_batch, 3072), dtype=np.uint8)
            data = np.concatenate([labels[:, None], pixels], 1).tobytes() + (b"x" if bad_size else b"")
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_the_binary_format_is_read_plane_by_plane(tmp_path):
    (tmp_path / "cifar10").mkdir()
    archive = _binary_archive(tmp_path / "cifar10" / "cifar-10-binary.tar.gz")
    data = load_dataset("cifar10", tmp_path, progress=False, download=False)
    assert data.train_images.shape == (15, 32, 32, 3) and data.test_images.shape == (3, 32, 32, 3)
    with tarfile.open(archive) as tar:
        first = np.frombuffer(tar.extractfile("cifar-10-batches-bin/data_batch_1.bin").read(), np.uint8)
    assert data.train_labels[0] == first[0]
    # the red plane comes first: pixel (0, 1) red is byte 2, green byte 1026, blue byte 2050
    np.testing.assert_allclose(data.train_images[0, 0, 1] * 255, first[[2, 1026, 2050]], atol=1e-3)


def test_download_from_a_mirror_is_verified(tmp_path, monkeypatch, file_server):
    served = tmp_path / "served"
    served.mkdir()
    archive = _binary_archive(served / "cifar-10-binary.tar.gz")
    monkeypatch.setenv("NEURONSCOPE_CIFAR10_MIRROR", file_server(served))
    monkeypatch.setattr(cifar, "MIRRORS", ())
    monkeypatch.setattr(cifar, "BINARY_MD5", hashlib.md5(archive.read_bytes()).hexdigest())
    target = tmp_path / "data"
    data = load_dataset("cifar10", target, progress=False)
    assert len(data.train_labels) == 15
    assert (target / "cifar10" / "cifar-10-binary.tar.gz").read_bytes() == archive.read_bytes()


def test_a_download_with_the_wrong_checksum_leaves_nothing(tmp_path, monkeypatch, file_server):
    served = tmp_path / "served"
    served.mkdir()
    _binary_archive(served / "cifar-10-binary.tar.gz")
    monkeypatch.setenv("NEURONSCOPE_CIFAR10_MIRROR", file_server(served))
    monkeypatch.setattr(cifar, "MIRRORS", ())
    with pytest.raises(DataError, match="checksum mismatch"):
        load_dataset("cifar10", tmp_path / "data", progress=False)
    assert not list((tmp_path / "data").rglob("*.tar.gz"))


@pytest.mark.parametrize("damage, message", [
    ({"drop": "data_batch_3.bin"}, "data_batch_3.bin is missing"),
    ({"bad_size": True}, "not a whole number of 3073-byte records"),
])
def test_damaged_binary_archives_are_refused(tmp_path, damage, message):
    (tmp_path / "cifar10").mkdir()
    _binary_archive(tmp_path / "cifar10" / "cifar-10-binary.tar.gz", **damage)
    with pytest.raises(DataError, match=message):
        load_dataset("cifar10", tmp_path, progress=False, download=False)


def test_a_truncated_archive_is_refused(tmp_path):
    (tmp_path / "cifar10").mkdir()
    whole = _binary_archive(tmp_path / "whole.tar.gz").read_bytes()
    (tmp_path / "cifar10" / "cifar-10-binary.tar.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataError, match="not a readable .tar.gz archive"):
        load_dataset("cifar10", tmp_path, progress=False, download=False)


def test_a_broken_jpeg_is_named(tmp_path):
    (tmp_path / "cifar10").mkdir()
    with tarfile.open(tmp_path / "cifar10" / "cifar10-jpg.tar.gz", "w:gz") as tar:
        for split in ("train", "test"):
            for name in cifar.CLASSES:
                info = tarfile.TarInfo(f"{split}/{name}/0000.jpg")
                info.size = 5
                tar.addfile(info, io.BytesIO(b"oops!"))
    with pytest.raises(DataError, match="train/airplane/0000.jpg is not a readable image"):
        load_dataset("cifar10", tmp_path, progress=False, download=False)


def test_without_files_or_download_the_error_says_where_it_looked(tmp_path):
    with pytest.raises(DataError, match="cifar-10-binary.tar.gz or cifar10-jpg.tar.gz not found"):
        load_dataset("cifar10", tmp_path, progress=False, download=False)
