import gzip

import numpy as np
import pytest

from neuronscope.data import read_idx
from neuronscope.errors import DataError


def write_idx(path, array: np.ndarray, dtype_code: int = 0x08, compress: bool = True) -> None:
    header = bytes([0, 0, dtype_code, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if compress else data)


def test_reads_official_test_images_with_their_shape(shared_data):
    images = read_idx(shared_data / "mnist" / "t10k-images-idx3-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0


def test_round_trips_plain_and_gzip(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    for compress, name in ((True, "a.gz"), (False, "a")):
        write_idx(tmp_path / name, array, compress=compress)
        assert np.array_equal(read_idx(tmp_path / name), array)


def test_corrupt_gzip_names_the_file(tmp_path, shared_data):
    blob = bytearray((shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    bad = tmp_path / "t10k-labels-idx1-ubyte.gz"
    bad.write_bytes(bytes(blob))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz: corrupt gzip"):
        read_idx(bad)


def test_truncated_gzip(tmp_path, shared_data):
    blob = (shared_data / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes()
    bad = tmp_path / "labels.gz"
    bad.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataError, match="truncated gzip"):
        read_idx(bad)


def test_wrong_magic(tmp_path):
    (tmp_path / "x.gz").write_bytes(gzip.compress(b"\x1f\x8b\x08\x00 not idx at all"))
    with pytest.raises(DataError, match="bad magic number"):
        read_idx(tmp_path / "x.gz")


def test_header_larger_than_data_is_truncated(tmp_path):
    write_idx(tmp_path / "x.gz", np.zeros((2, 28, 28)))
    raw = bytearray(gzip.decompress((tmp_path / "x.gz").read_bytes()))
    raw[4:8] = (3).to_bytes(4, "big")  # header now claims 3 images of 28x28
    (tmp_path / "x.gz").write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataError, match=r"truncated: header declares shape \(3, 28, 28\)"):
        read_idx(tmp_path / "x.gz")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_idx(tmp_path / "nope.gz")
