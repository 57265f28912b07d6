"""Datasets: MNIST and Fashion-MNIST from IDX files (found or downloaded), scikit-learn's 8x8 digits."""

from .datasets import DATASETS, Dataset, data_roots, load_dataset
from .idx import read_idx

__all__ = ["DATASETS", "Dataset", "data_roots", "load_dataset", "read_idx"]
