"""Photos for an ImageNet classifier: any JPEG or PNG read safely (size checked before decoding, EXIF
orientation applied, transparency on white, large photos scaled down), the photos that ship with
scikit-learn and scikit-image, and the center crop a classifier trained at one resolution expects."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from ..errors import DataError

MAX_PHOTO_BYTES = 20 * 2**20
MAX_PHOTO_PIXELS = 50_000_000  # what a large phone photo has; more is refused before decoding
LONGEST_SIDE = 1024  # larger photos are scaled down: classifiers see a few hundred pixels
SCIKIT_LEARN_PHOTOS = ("china", "flower")
SCIKIT_IMAGE_PHOTOS = {"astronaut": "astronaut.png", "chelsea": "chelsea.png", "coffee": "coffee.png",
                       "rocket": "rocket.jpg", "motorcycle": "motorcycle_left.png"}  # its color photos
CROP_SHARE = 224 / 256  # the center crop of the shorter side that ImageNet models are evaluated on


def open_photo(source: str | Path | bytes | np.ndarray, name: str | None = None) -> np.ndarray:
    """(H, W, 3) float32 RGB in [0, 1] from a file path, the file's bytes, or a sample name
    (``china``, ``flower``, see :func:`sample_photos`); an array is taken as that photo already."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(source, np.ndarray):
        return source
    if isinstance(source, str) and (source in SCIKIT_LEARN_PHOTOS or source in SCIKIT_IMAGE_PHOTOS):
        return sample_photo(source)
    label = name or (str(source) if not isinstance(source, bytes) else "the upload")
    data = source if isinstance(source, bytes) else _read(Path(source))
    if len(data) > MAX_PHOTO_BYTES:
        raise DataError(f"{label}: {len(data) / 2**20:.0f} MB is over the {MAX_PHOTO_BYTES // 2**20} MB a photo "
                        f"may have")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise DataError(f"{label}: {width}x{height} pixels is over the {MAX_PHOTO_PIXELS / 1e6:.0f} "
                                f"megapixels a photo may have")
            image = ImageOps.exif_transpose(image)
            image.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))  # JPEGs decode straight to a smaller size
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataError(f"{label}: too many pixels to decode safely (a photo may have "
                        f"{MAX_PHOTO_PIXELS / 1e6:.0f} megapixels)") from None
    except UnidentifiedImageError:
        raise DataError(f"{label}: not an image this can read (JPEG, PNG, GIF, BMP, WebP)") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise DataError(f"{label}: a damaged or truncated image ({str(e).splitlines()[0][:120]})") from None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    image = image.convert("RGB")
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.LANCZOS)
    return np.asarray(image, dtype=np.float32) / 255.0


def photo_name(source, number: int = 1) -> str:
    """What to call a photo in a figure: a file by its name without the suffix, a sample by its name,
    a photo in memory by its place in the list."""
    if isinstance(source, (str, Path)):
        return Path(source).stem if Path(source).suffix else str(source)
    return f"photo {number}"


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise DataError(f"{path}: {size / 2**20:.0f} MB is over the {MAX_PHOTO_BYTES // 2**20} MB a photo may have")
    return path.read_bytes()


def sample_photos() -> list[str]:
    """The names of the photos at hand without a download: scikit-learn's two, and scikit-image's
    color photos when it is installed (the ``imagenet`` extra brings it)."""
    return list(SCIKIT_LEARN_PHOTOS) + (list(SCIKIT_IMAGE_PHOTOS) if _scikit_image_data() else [])


def _scikit_image_data() -> Path | None:
    try:
        from skimage import data
    except ImportError:
        return None
    return Path(data.data_dir)


def sample_photo(name: str) -> np.ndarray:
    """A bundled photo by name: scikit-learn's ``china`` (a temple) and ``flower`` (a daisy), and
    scikit-image's ``astronaut``, ``chelsea`` (a cat), ``coffee``, ``rocket`` and ``motorcycle``."""
    if name in SCIKIT_LEARN_PHOTOS:
        from sklearn.datasets import load_sample_image

        return load_sample_image(f"{name}.jpg").astype(np.float32) / 255.0
    folder = _scikit_image_data() if name in SCIKIT_IMAGE_PHOTOS else None
    if folder is None:
        missing = " (scikit-image, which has it, is not installed)" if name in SCIKIT_IMAGE_PHOTOS else ""
        raise DataError(f"unknown sample photo {name!r}; choose one of {', '.join(sample_photos())}{missing}")
    return open_photo(folder / SCIKIT_IMAGE_PHOTOS[name], name=name)


def photo_bytes(pixels: np.ndarray) -> np.ndarray:
    """Pixels in [0, 1] (anything outside is clipped) as 0..255 uint8, for image files and lean storage."""
    return (np.clip(pixels, 0, 1) * 255).round().astype(np.uint8)


def fit_longest_side(photo: np.ndarray, size: int, smallest: int = 32) -> torch.Tensor:
    """(1, 3, h, w) in [0, 1]: ``photo`` ((H, W, 3) RGB) scaled so its longer side is ``size`` pixels
    (antialiased when it shrinks), neither side under ``smallest``."""
    x = torch.as_tensor(photo, dtype=torch.float32).permute(2, 0, 1)[None]
    scale = size / max(x.shape[-2:])
    shape = tuple(max(smallest, round(side * scale)) for side in x.shape[-2:])
    return F.interpolate(x, size=shape, mode="bilinear", antialias=scale < 1, align_corners=False).clamp(0, 1)


def center_crop(photo: np.ndarray | torch.Tensor, size: int) -> torch.Tensor:
    """(1, 3, size, size): the central square of the photo, 224/256 of its shorter side (how ImageNet
    classifiers are evaluated), resized with antialiasing."""
    x = torch.as_tensor(photo, dtype=torch.float32)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise DataError(f"a photo is (height, width, 3) RGB, got shape {tuple(x.shape)}")
    x = x.permute(2, 0, 1)[None]
    height, width = x.shape[-2:]
    side = max(1, round(min(height, width) * CROP_SHARE))
    top, left = (height - side) // 2, (width - side) // 2
    x = x[..., top:top + side, left:left + side]
    return F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False).clamp(0, 1)
