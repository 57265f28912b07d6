"""The image datasets neuronscope trains on, found on disk or downloaded and verified.

Search order for the IDX files of MNIST and Fashion-MNIST: the ``data_dir`` argument, then
``$NEURONSCOPE_DATA``, then the platform's cache folder, then system locations (Debian's
``dataset-fashion-mnist`` package); within a root both ``ROOT/<name>/`` and ``ROOT/`` are tried.
Missing files are downloaded into the first root.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..choices import DATASETS
from ..errors import DataError
from .cifar import CLASSES as CIFAR_CLASSES
from .cifar import locate_cifar10, read_cifar10
from .download import download_first, env_mirrors
from .idx import read_idx
from .roots import data_roots, find_in_roots

SPLITS = ("train", "test")


@dataclass(frozen=True)
class IdxFile:
    names: tuple[str, ...]  # accepted file names, best first (a full set before a 10k slice)
    content_md5: str  # md5 of the uncompressed official file, used to verify downloads


@dataclass(frozen=True)
class IdxSource:
    name: str
    class_names: tuple[str, ...]
    files: dict[str, IdxFile]
    mirrors: tuple[str, ...]
    mirror_env: str
    system_dirs: tuple[str, ...] = ()


def _idx(stem: str, md5: str, *extra: str) -> IdxFile:
    return IdxFile(names=(f"{stem}.gz", stem, *extra), content_md5=md5)


SOURCES = {
    "mnist": IdxSource(
        name="mnist",
        class_names=tuple("0123456789"),
        files={
            "train_images": _idx("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb",
                                 "train-10k-images-idx3-ubyte.gz"),
            "train_labels": _idx("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624",
                                 "train-10k-labels-idx1-ubyte.gz"),
            "test_images": _idx("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
            "test_labels": _idx("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
        },
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://yann.lecun.com/exdb/mnist/"),
        mirror_env="NEURONSCOPE_MNIST_MIRROR",
    ),
    "fashion-mnist": IdxSource(
        name="fashion-mnist",
        class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        files={
            "train_images": _idx("train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
            "train_labels": _idx("train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9"),
            "test_images": _idx("t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a"),
            "test_labels": _idx("t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965"),
        },
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        mirror_env="NEURONSCOPE_FASHION_MNIST_MIRROR",
        system_dirs=("/usr/share/datasets/fashion-mnist",),
    ),
}


@dataclass(frozen=True)
class Dataset:
    """Images as float32 in [0, 1] with shape (n, height, width), or (n, height, width, 3) for color;
    labels as int64 class indices."""

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    location: str | None = None  # the folder its files were found in; None for built-in data

    @property
    def image_shape(self) -> tuple[int, int]:
        return tuple(self.train_images.shape[1:])

    @property
    def tensor_shape(self) -> tuple[int, int, int]:
        """(channels, height, width): one image as models take it."""
        return (3 if self.train_images.ndim == 4 else 1, *self.image_shape[:2])

    @property
    def input_size(self) -> int:
        return int(np.prod(self.image_shape))

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def summary(self) -> dict:
        return {"name": self.name, "train_size": len(self.train_labels), "test_size": len(self.test_labels),
                "image_shape": list(self.image_shape), "class_names": list(self.class_names),
                "location": self.location}


def _locate_or_download(source: IdxSource, roots: list[Path], download: bool, progress: bool,
                        splits: tuple[str, ...]) -> dict[str, Path]:
    paths = {}
    for key, file in source.files.items():
        if key.split("_")[0] not in splits:
            continue
        found = find_in_roots(roots, source.name, file.names, source.system_dirs)
        if found is None:
            if not download:
                searched = ", ".join(str(r) for r in roots)
                raise DataError(f"{source.name}: {file.names[0]} not found under {searched} (download disabled)")
            mirrors = [*env_mirrors(source.mirror_env), *source.mirrors]
            name = file.names[0]
            found = download_first([m.rstrip("/") + "/" + name for m in mirrors],
                                   roots[0] / source.name / name, file.content_md5, progress=progress)
        paths[key] = found
    return paths


def _check_pair(images: np.ndarray, labels: np.ndarray, images_path: Path, labels_path: Path, n_classes: int):
    if images.ndim != 3:
        raise DataError(f"{images_path}: expected images of shape (n, height, width), got shape {images.shape}")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: expected a 1-D label array, got shape {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"{labels_path}: {len(labels)} labels for {len(images)} images in {images_path.name}")
    if not len(images):
        raise DataError(f"{images_path}: holds no images")
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise DataError(f"{labels_path}: labels must lie in 0..{n_classes - 1}, found {labels.min()}..{labels.max()}")


def _limit(n: int | None, what: str, available: int | None = None) -> int | None:
    if n is not None and n <= 0:
        raise DataError(f"{what} must be a positive number of images, got {n}")
    if n is not None and available is not None and n > available:
        raise DataError(f"{what} {n} is more than the {available} images there are")
    return n


def load_idx_dataset(name: str, data_dir=None, *, train_size: int | None = None, test_size: int | None = None,
                     download: bool = True, progress: bool = True, splits: tuple[str, ...] = SPLITS) -> Dataset:
    source = SOURCES[name]
    paths = _locate_or_download(source, data_roots(data_dir), download, progress, splits)
    arrays = {}
    for split in splits:
        images, labels = read_idx(paths[f"{split}_images"]), read_idx(paths[f"{split}_labels"])
        _check_pair(images, labels, paths[f"{split}_images"], paths[f"{split}_labels"], len(source.class_names))
        n = _limit(train_size if split == "train" else test_size, f"{split} size", len(labels))
        arrays[split] = (images[:n].astype(np.float32) / 255.0, labels[:n].astype(np.int64))
    if len(arrays) == 2 and arrays["train"][0].shape[1:] != arrays["test"][0].shape[1:]:
        raise DataError(f"{paths['test_images']}: test images are {arrays['test'][0].shape[1:]}, "
                        f"training images {arrays['train'][0].shape[1:]}")
    _fill_missing_splits(arrays)
    return Dataset(name, *arrays["train"], *arrays["test"], class_names=source.class_names,
                   location=str(next(iter(paths.values())).parent.resolve()))


def _fill_missing_splits(arrays: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """A split that was not asked for is empty, with the other's image shape."""
    images, _ = next(iter(arrays.values()))
    for split in SPLITS:
        arrays.setdefault(split, (np.zeros((0, *images.shape[1:]), np.float32), np.zeros(0, np.int64)))


def load_digits_dataset(*, train_size: int | None = None, test_size: int | None = None, seed: int = 0) -> Dataset:
    """scikit-learn's 1,797 handwritten 8x8 digits, split 80/20 with a fixed shuffle."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)
    labels = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    cut = int(0.8 * len(labels))
    train = order[:cut][: _limit(train_size, "train size", cut)]
    test = order[cut:][: _limit(test_size, "test size", len(labels) - cut)]
    return Dataset("digits", images[train], labels[train], images[test], labels[test], tuple("0123456789"))


def load_dataset(name: str, data_dir=None, *, train_size: int | None = None, test_size: int | None = None,
                 download: bool = True, progress: bool = True, splits: tuple[str, ...] = SPLITS) -> Dataset:
    """Load ``mnist``, ``fashion-mnist``, ``digits`` or ``cifar10`` (color); optionally only the first ``train_size`` training
    and ``test_size`` test images. Splits not in ``splits`` are not read (``("test",)`` for analyses that
    look at test images only) and come back empty."""
    if not splits or set(splits) - set(SPLITS):
        raise DataError(f"splits are some of {', '.join(SPLITS)}, got {splits}")
    if name == "digits":
        data = load_digits_dataset(train_size=train_size, test_size=test_size)
    elif name == "cifar10":
        archive = locate_cifar10(data_roots(data_dir), download=download, progress=progress)
        read = read_cifar10(archive, train_size=_limit(train_size, "train size") if "train" in splits else 1,
                            test_size=_limit(test_size, "test size") if "test" in splits else 1, progress=progress)
        data = Dataset("cifar10", *read["train"], *read["test"], class_names=CIFAR_CLASSES,
                       location=str(archive.parent.resolve()))
        for split, wanted in (("train", train_size), ("test", test_size)):
            if split in splits and wanted and len(read[split][1]) < wanted:
                raise DataError(f"{split} size {wanted} is more than the {len(read[split][1])} images there are")
    elif name in SOURCES:
        return load_idx_dataset(name, data_dir, train_size=train_size, test_size=test_size,
                                download=download, progress=progress, splits=tuple(splits))
    else:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    kept = {split: (getattr(data, f"{split}_images"), getattr(data, f"{split}_labels")) for split in splits}
    _fill_missing_splits(kept)
    return replace(data, train_images=kept["train"][0], train_labels=kept["train"][1],
                   test_images=kept["test"][0], test_labels=kept["test"][1])
