"""Convolution by hand: slide a small kernel over an image and, at every position, sum the products
of the kernel with the pixels under it. Like every deep-learning library, this computes
cross-correlation (the kernel is not flipped), which is what "convolution" means in a CNN."""

from __future__ import annotations

import math

import numpy as np
import torch

from ..errors import ConfigError

CLASSIC_KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "box-blur": [[1 / 9] * 3] * 3,
    "gaussian-blur": (np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256).tolist(),
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "edges": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
}
SIZES = (3, 5)
MAX_SIDE = 2048


def kernel_matrix(values) -> np.ndarray:
    """A 3x3 or 5x5 kernel from nested lists or an array; a clear error for anything else."""
    try:
        kernel = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError("a kernel is a square table of numbers") from None
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] not in SIZES:
        raise ConfigError(f"a kernel must be 3x3 or 5x5, got shape {kernel.shape}")
    if not np.isfinite(kernel).all() or np.abs(kernel).max() > 1e6:
        raise ConfigError("kernel values must be finite numbers of at most 1e6 in size")
    return kernel


def parse_kernel(text: str) -> np.ndarray:
    """A classic kernel's name, or rows separated by ';' of numbers separated by ',' or spaces:
    ``"-1,0,1; -2,0,2; -1,0,1"``."""
    name = text.strip().lower()
    if name in CLASSIC_KERNELS:
        return kernel_matrix(CLASSIC_KERNELS[name])
    try:
        rows = [[float(v) for v in row.replace(",", " ").split()] for row in text.split(";") if row.strip()]
    except ValueError:
        raise ConfigError(f"{text!r} is neither a kernel name ({', '.join(CLASSIC_KERNELS)}) nor rows of "
                          f"numbers like '-1,0,1; -2,0,2; -1,0,1'") from None
    if len({len(r) for r in rows}) > 1:
        raise ConfigError(f"kernel rows have different lengths: {[len(r) for r in rows]}")
    return kernel_matrix(rows)


def convolve(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Apply ``kernel`` to a grayscale (H, W) or color (H, W, 3) image, each color channel on its own;
    zeros outside the image, output the same size as the input, not clipped."""
    image = np.asarray(image, dtype=np.float64)
    kernel = kernel_matrix(kernel)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3):
        raise ConfigError(f"an image is (height, width) or (height, width, 3), got shape {image.shape}")
    if not (1 <= min(image.shape[:2]) and max(image.shape[:2]) <= MAX_SIDE) or not np.isfinite(image).all():
        raise ConfigError(f"an image needs 1..{MAX_SIDE} pixels a side and finite values")
    planes = torch.as_tensor(image if image.ndim == 2 else image.transpose(2, 0, 1)).reshape(-1, 1, *image.shape[:2])
    weight = torch.as_tensor(kernel)[None, None]
    result = torch.nn.functional.conv2d(planes, weight, padding=kernel.shape[0] // 2).numpy()
    return result[0, 0] if image.ndim == 2 else result[:, 0].transpose(1, 2, 0)


def output_at(image: np.ndarray, kernel: np.ndarray, row: int, col: int) -> tuple[np.ndarray, float]:
    """The patch of a grayscale image under the kernel centered at (row, col), zero-padded, and the
    sum of products there: one output pixel, spelled out."""
    kernel = kernel_matrix(kernel)
    r = kernel.shape[0] // 2
    padded = np.pad(np.asarray(image, dtype=np.float64), r)
    patch = padded[row:row + 2 * r + 1, col:col + 2 * r + 1]
    return patch, float(math.fsum((patch * kernel).ravel()))
