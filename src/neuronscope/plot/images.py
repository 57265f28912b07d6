"""Showing input images the same way everywhere: grayscale ink dark on white (as digits are seen on
paper), color as color."""

from __future__ import annotations

import numpy as np


def as_picture(image) -> np.ndarray:
    """(C, H, W) or (H, W) tensor/array in [0, 1] -> (H, W) or (H, W, 3) for ``imshow``."""
    array = image.detach().cpu().numpy() if hasattr(image, "detach") else np.asarray(image)  # a torch tensor
    if array.ndim == 3 and array.shape[0] in (1, 3):
        array = array[0] if array.shape[0] == 1 else array.transpose(1, 2, 0)
    return np.clip(array, 0, 1)


def picture_style(picture: np.ndarray) -> dict:
    """How ``imshow`` draws a picture from :func:`as_picture`: grayscale dark on white, color as it is."""
    return {"cmap": "gray_r", "vmin": 0, "vmax": 1} if picture.ndim == 2 else {}


def show_image(ax, image) -> None:
    picture = as_picture(image)
    ax.imshow(picture, interpolation="nearest", **picture_style(picture))
