"""Hostile command lines and data files: one clear line each, nothing written, nothing hanging."""

import gzip
import socket
import struct

import numpy as np
import pytest
import torch

from neuronscope.cli import main
from neuronscope.data import load_dataset, read_idx
from neuronscope.errors import DataError


def _error(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("argv, message", [
    (["train", "--dataset", "digits", "--device", "foo", "--epochs", "1"], "unknown device 'foo'"),
    (["train", "--dataset", "digits", "--train-size", "1000000000000"], "more than the 1437 images there are"),
    (["convnet", "train", "--dataset", "mnist", "--channels", "16", "--train-size", "100"], "channels must be"),
    (["text", "train", "--corpus", "python-stdlib", "--max-chars", "-5"], "max chars must be a positive"),
])
def test_bad_command_lines_get_one_line(capsys, tmp_path, shared_data, argv, message):
    assert message in _error(capsys, [*argv, "--out", str(tmp_path / "run"), *(
        ["--data-dir", str(shared_data)] if argv[0] == "convnet" else [])])
    assert not (tmp_path / "run").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present here")
def test_cuda_without_cuda_is_refused(capsys, tmp_path):
    assert "not available here" in _error(capsys, ["train", "--dataset", "digits", "--device", "cuda",
                                                    "--out", str(tmp_path / "r")])


def test_out_pointing_at_a_file_is_refused(capsys, tmp_path):
    (tmp_path / "file").write_text("precious")
    assert "is a file" in _error(capsys, ["train", "--dataset", "digits", "--epochs", "1", "--out",
                                          str(tmp_path / "file")])
    assert (tmp_path / "file").read_text() == "precious"


def test_a_broken_npz_is_refused(capsys, tmp_path):
    (tmp_path / "net.npz").write_bytes(b"PK\x03\x04 not really a zip")
    assert "not a NumPy .npz archive" in _error(capsys, ["import-weights", str(tmp_path / "net.npz"), "--out",
                                                         str(tmp_path / "r")])


def test_a_busy_port_is_said_before_any_banner(capsys, tmp_path, digits_run):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["serve", str(digits_run.path), "--port", str(port)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "cannot listen on 127.0.0.1" in captured.err


def test_binary_text_anywhere_and_too_short_corpora_are_refused(capsys, tmp_path):
    late_nul = tmp_path / "late.txt"
    late_nul.write_bytes(b"a" * 70_000 + b"\x00" + b"b" * 10)
    assert "binary file" in _error(capsys, ["text", "train", "--corpus", str(late_nul), "--out", str(tmp_path / "a")])
    short = tmp_path / "short.txt"
    short.write_text("too short")
    assert "too short" in _error(capsys, ["text", "train", "--corpus", str(short), "--out", str(tmp_path / "b")])
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def _idx(path, shape, body=b"", dtype_code=0x08):
    header = bytes([0, 0, dtype_code, len(shape)]) + b"".join(struct.pack(">I", n) for n in shape)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(header + body)
    return path


@pytest.mark.parametrize("shape, body, code, message", [
    ((2**31, 2**31, 4), b"", 0x08, "more than the"),  # the size wraps to 0 in 64-bit arithmetic
    ((1, 50_000, 50_000), b"\0" * 1000, 0x08, "more than the"),  # refused before decompressing
    ((1,) * 255, b"", 0x08, "declares 255 dimensions"),
    ((2, 2), struct.pack(">4f", 0.1, float("nan"), 0.3, 0.4), 0x0D, "NaN or infinite"),
])
def test_hostile_idx_headers_are_refused_from_the_header(tmp_path, shape, body, code, message):
    path = _idx(tmp_path / "x-idx.gz", shape, body, code)
    with pytest.raises(DataError, match=message) as error:
        read_idx(path)
    assert len(str(error.value)) < 300


def test_an_idx_file_of_no_images_is_refused(tmp_path, shared_data):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte"):
        _idx(folder / name, (0, 28, 28))
    for name in ("train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"):
        _idx(folder / name, (0,))
    with pytest.raises(DataError, match="holds no images"):
        load_dataset("mnist", tmp_path, download=False)


def test_a_folder_where_a_data_file_should_be_is_named(tmp_path):
    (tmp_path / "mnist" / "train-images-idx3-ubyte.gz").mkdir(parents=True)
    with pytest.raises(DataError, match="not a regular file where the data file should be"):
        load_dataset("mnist", tmp_path, download=False)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(DataError, match="the data folder is a file"):
        load_dataset("mnist", tmp_path / "afile", download=False)


def test_hostile_upload_sizes_and_values_do_not_reach_the_model():
    from neuronscope.inspect.adversarial import MAX_L2_BUDGET, pgd
    from neuronscope.models import MLP, MLPConfig

    model = MLP(MLPConfig((4, 2), "sigmoid", "softmax", (2, 2))).reset_parameters("scaled", 0)
    attack = pgd(model, torch.rand(1, 1, 2, 2), torch.tensor([0]), 50.0, steps=2, norm="l2")
    assert torch.isfinite(attack.adversarial).all() and MAX_L2_BUDGET >= 100
    assert np.all((attack.adversarial.numpy() >= 0) & (attack.adversarial.numpy() <= 1))


@pytest.mark.parametrize("side, message", [(20_000, "far too many pixels|20000x20000"), (10_000, "10000x10000")])
def test_cifar_jpegs_claiming_huge_sizes_are_refused_from_their_header(tmp_path, side, message):
    import io
    import tarfile

    from PIL import Image

    from neuronscope.data.cifar import CLASSES, read_cifar10

    small = io.BytesIO()
    Image.new("RGB", (32, 32), (9, 99, 199)).save(small, format="JPEG")
    huge = bytearray(small.getvalue())
    marker = huge.find(b"\xff\xc0")  # start of frame: height and width follow the length and precision
    huge[marker + 5: marker + 9] = side.to_bytes(2, "big") * 2
    archive = tmp_path / "cifar10-jpg.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for split in ("train", "test"):
            for c in CLASSES:
                data = bytes(huge) if (split, c) == ("train", "cat") else small.getvalue()
                info = tarfile.TarInfo(f"cifar10/{split}/{c}/0001.jpg")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    with pytest.raises(DataError, match=message) as error:
        read_cifar10(archive, progress=False)
    assert "BytesIO" not in str(error.value)
