"""CIFAR-10: 60,000 32x32 color photographs of 10 classes, read straight from an archive (nothing is
unpacked to disk, nothing unpickled).

Two archives are understood, looked for as ``ROOT/cifar10/<name>`` or ``ROOT/<name>`` under the usual
data roots: the official binary version ``cifar-10-binary.tar.gz`` (records of one label byte and
3,072 pixel bytes, red plane, green, blue), which is what a download fetches and verifies; and
``cifar10-jpg.tar.gz``, the classes as JPEG folders ``train/<class>/NNNN.jpg``.
"""

from __future__ import annotations

import io
import tarfile
import warnings
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..errors import DataError
from .download import download_first, env_mirrors
from .roots import find_in_roots

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
BINARY = "cifar-10-binary.tar.gz"
BINARY_MD5 = "c32a1d4ab5d03f1284b67883e8d87530"
JPEGS = "cifar10-jpg.tar.gz"
MIRRORS = ("https://www.cs.toronto.edu/~kriz/",)
MIRROR_ENV = "NEURONSCOPE_CIFAR10_MIRROR"
RECORD = 1 + 32 * 32 * 3
SIDE = 32


def locate_cifar10(roots: list[Path], *, download: bool = True, progress: bool = True) -> Path:
    found = find_in_roots(roots, "cifar10", (BINARY, JPEGS))
    if found:
        return found
    if not download:
        raise DataError(f"cifar10: {BINARY} or {JPEGS} not found under {', '.join(map(str, roots))} "
                        f"(download disabled)")
    urls = [m.rstrip("/") + "/" + BINARY for m in (*env_mirrors(MIRROR_ENV), *MIRRORS)]
    return download_first(urls, roots[0] / "cifar10" / BINARY, BINARY_MD5, progress=progress, whole_file=True)


def _members(archive: Path, wanted) -> dict[str, bytes]:
    """The bytes of every file in ``archive`` whose name ``wanted(name)`` accepts."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            return {m.name: tar.extractfile(m).read() for m in tar if m.isfile() and wanted(m.name)}
    except (tarfile.TarError, OSError, EOFError) as e:
        raise DataError(f"{archive}: not a readable .tar.gz archive ({e})") from None


def _read_binary(archive: Path, sizes: dict[str, int | None]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    files = _members(archive, lambda name: name.endswith(".bin"))
    batches = {"train": [f"data_batch_{i}.bin" for i in range(1, 6)], "test": ["test_batch.bin"]}
    splits = {}
    for split, names in batches.items():
        chunks = []
        for name in names:
            found = [data for member, data in files.items() if Path(member).name == name]
            if not found:
                raise DataError(f"{archive}: {name} is missing from the archive")
            if len(found[0]) % RECORD or not found[0]:
                raise DataError(f"{archive}: {name} is {len(found[0])} bytes, not a whole number of "
                                f"{RECORD}-byte records")
            chunks.append(np.frombuffer(found[0], np.uint8).reshape(-1, RECORD))
        records = np.concatenate(chunks)[: sizes[split]]
        labels = records[:, 0].astype(np.int64)
        if labels.max() >= len(CLASSES):
            raise DataError(f"{archive}: labels must lie in 0..9, found {labels.max()}")
        images = records[:, 1:].reshape(-1, 3, SIDE, SIDE).transpose(0, 2, 3, 1)
        splits[split] = (images, labels)
    return splits


def _read_jpegs(archive: Path, sizes: dict[str, int | None], progress: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from PIL import Image, UnidentifiedImageError

    files = _members(archive, lambda name: name.endswith(".jpg"))
    splits = {}
    for split in ("train", "test"):
        per_class = [sorted(n for n in files if n.split("/")[-3:-1] == [split, c]) for c in CLASSES]
        if not all(per_class):
            empty = CLASSES[[bool(p) for p in per_class].index(False)]
            raise DataError(f"{archive}: no {split}/{empty}/*.jpg images in the archive")
        # interleave the classes, so the first n images of a split are balanced
        order = [(c, names[k]) for k in range(max(map(len, per_class))) for c, names in enumerate(per_class)
                 if k < len(names)][: sizes[split]]
        images = np.empty((len(order), SIDE, SIDE, 3), np.uint8)
        for i, (_, name) in enumerate(tqdm(order, desc=f"cifar10 {split}", unit="img", disable=not progress,
                                           leave=False)):
            images[i] = _decode(archive, name, files[name], Image, UnidentifiedImageError)
        splits[split] = (images, np.array([c for c, _ in order], np.int64))
    return splits


def read_cifar10(archive: Path, *, train_size: int | None = None, test_size: int | None = None,
                 progress: bool = True) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"train": (images (n, 32, 32, 3) float32 in [0, 1], labels (n,)), "test": ...}."""
    sizes = {"train": train_size, "test": test_size}
    raw = _read_jpegs(archive, sizes, progress) if archive.name == JPEGS else _read_binary(archive, sizes)
    return {split: (images.astype(np.float32) / 255.0, labels) for split, (images, labels) in raw.items()}


def _decode(archive: Path, name: str, data: bytes, Image, UnidentifiedImageError) -> np.ndarray:
    """One 32x32 RGB image; its size is checked from the header, before any pixel is decoded."""
    try:
        with warnings.catch_warnings():  # the size is checked right below; PIL's own warning would only repeat it
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
        with opened as picture:
            if picture.size != (SIDE, SIDE):
                width, height = picture.size
                raise DataError(f"{archive}: {name} is {width}x{height}, expected {SIDE}x{SIDE}")
            return np.asarray(picture.convert("RGB"))
    except UnidentifiedImageError:
        reason = "not an image PIL knows"
    except Image.DecompressionBombError:
        reason = "it claims far too many pixels"
    except OSError as e:
        reason = str(e)
    raise DataError(f"{archive}: {name} is not a readable image ({reason})")
