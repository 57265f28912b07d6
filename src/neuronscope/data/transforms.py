"""Image transforms, including turning a free drawing into an input the way a dataset's digits were
made. MNIST: the ink's bounding box is fitted into a 20x20 box keeping its aspect ratio
(anti-aliased), then placed in a 28x28 image so that its center of mass sits at the center.
scikit-learn's 8x8 digits: the ink's box is fitted into a 32x32 bitmap, centered, and each 4x4
block becomes one pixel holding the share of it that is ink."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import DataError

MNIST_SIZE, MNIST_BOX = 28, 20
DIGITS_BITMAP, DIGITS_BLOCK = 32, 4
INK_THRESHOLD = 0.05


def _resize(images: np.ndarray, height: int, width: int) -> np.ndarray:
    """(..., h, w) -> (..., height, width), bilinear with antialiasing."""
    t = torch.as_tensor(images, dtype=torch.float32)
    flat = t.reshape(-1, 1, *t.shape[-2:])
    resized = F.interpolate(flat, size=(height, width), mode="bilinear", antialias=True, align_corners=False)
    return resized.reshape(*t.shape[:-2], height, width).numpy()


def shift(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Move the picture (or every picture of a (..., h, w) stack) dx pixels right and dy down; what
    leaves the frame is lost, new pixels are 0."""
    h, w = image.shape[-2:]
    out = np.zeros_like(image)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[..., max(-dy, 0):h - max(dy, 0),
                                                                           max(-dx, 0):w - max(dx, 0)]
    return out


def scale(image: np.ndarray, factor: float) -> np.ndarray:
    """Zoom a (..., h, w) picture or stack about the image center by ``factor`` (0.25..4), keeping the size."""
    if not 0.25 <= factor <= 4.0:
        raise DataError(f"scale factor must be between 0.25 and 4, got {factor}")
    h, w = image.shape[-2:]
    nh, nw = max(1, round(h * factor)), max(1, round(w * factor))
    resized = _resize(image, nh, nw)
    out = np.zeros_like(image)
    top, left = (h - nh) // 2, (w - nw) // 2
    src = resized[..., max(-top, 0):max(-top, 0) + min(h, nh), max(-left, 0):max(-left, 0) + min(w, nw)]
    out[..., max(top, 0):max(top, 0) + src.shape[-2], max(left, 0):max(left, 0) + src.shape[-1]] = src
    return out


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def _ink_crop(drawing: np.ndarray) -> np.ndarray | None:
    """The drawing cut to the bounding box of its ink; None when it has none."""
    if drawing.ndim != 2:
        raise DataError(f"a drawing must be a 2-D grayscale image, got shape {drawing.shape}")
    ink = np.argwhere(drawing > INK_THRESHOLD)
    if len(ink) == 0:
        return None
    (top, left), (bottom, right) = ink.min(0), ink.max(0) + 1
    return drawing[top:bottom, left:right]


def _fit(crop: np.ndarray, size: int) -> np.ndarray:
    """The crop resized so that its longer side is ``size``, keeping its aspect ratio."""
    h, w = crop.shape
    factor = size / max(h, w)
    return np.clip(_resize(crop, max(1, round(h * factor)), max(1, round(w * factor))), 0, 1)


def prepare_like_digits(drawing: np.ndarray) -> np.ndarray:
    """(h, w) ink in [0, 1] (any size) -> (8, 8) float32 prepared like scikit-learn's digits.

    A blank drawing gives a blank image.
    """
    crop = _ink_crop(drawing)
    bitmap = np.zeros((DIGITS_BITMAP, DIGITS_BITMAP), dtype=np.float32)
    if crop is not None:
        box = _fit(crop, DIGITS_BITMAP)
        top, left = (DIGITS_BITMAP - box.shape[0]) // 2, (DIGITS_BITMAP - box.shape[1]) // 2
        bitmap[top:top + box.shape[0], left:left + box.shape[1]] = box
    side = DIGITS_BITMAP // DIGITS_BLOCK
    return bitmap.reshape(side, DIGITS_BLOCK, side, DIGITS_BLOCK).mean(axis=(1, 3))


def center_like_mnist(drawing: np.ndarray) -> np.ndarray:
    """(h, w) ink in [0, 1] (any size) -> (28, 28) float32 prepared like an MNIST digit.

    A blank drawing gives a blank image.
    """
    crop = _ink_crop(drawing)
    out = np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.float32)
    if crop is None:
        return out
    box = _fit(crop, MNIST_BOX)
    cy, cx = center_of_mass(box)
    y0 = int(round(MNIST_SIZE / 2 - 0.5 - cy))
    x0 = int(round(MNIST_SIZE / 2 - 0.5 - cx))
    y0 = min(max(y0, 0), MNIST_SIZE - box.shape[0])
    x0 = min(max(x0, 0), MNIST_SIZE - box.shape[1])
    out[y0:y0 + box.shape[0], x0:x0 + box.shape[1]] = box
    return out


# how a drawing becomes an input, by the dataset whose digits it imitates: (preparation, its output shape)
DRAWING_PREPARATIONS = {"mnist": (center_like_mnist, (MNIST_SIZE, MNIST_SIZE)),
                        "digits": (prepare_like_digits, (DIGITS_BITMAP // DIGITS_BLOCK,) * 2)}
