"""Reader for the IDX format that MNIST and Fashion-MNIST ship in, plain or gzip-compressed."""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_BYTES = 2**31  # far above any IDX file this tool is meant for; guards against absurd headers


MAX_DIMENSIONS = 4


def _open(path: Path):
    if path.exists() and not path.is_file():
        raise DataError(f"{path}: not a regular file")
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file into an array of its declared shape and dtype.

    The header is read first and the data only up to the size it declares, so a file that claims more
    than ``MAX_BYTES`` (or a compressed file that would expand to far more) is refused before it is
    decompressed. Raises DataError naming the file when the magic number, the declared shape or the
    length of the data is wrong.
    """
    path = Path(path)
    try:
        with _open(path) as f:
            magic = f.read(4)
            if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _DTYPES or magic[3] == 0:
                raise DataError(f"{path}: not an IDX file (bad magic number {magic.hex() or 'empty'})")
            ndim = magic[3]
            if ndim > MAX_DIMENSIONS:
                raise DataError(f"{path}: declares {ndim} dimensions; IDX files here have 1 to {MAX_DIMENSIONS}")
            dims = f.read(4 * ndim)
            if len(dims) < 4 * ndim:
                raise DataError(f"{path}: truncated IDX header")
            shape = tuple(int.from_bytes(dims[4 * i: 4 * i + 4], "big") for i in range(ndim))
            dtype = np.dtype(_DTYPES[magic[2]])
            expected = math.prod(shape) * dtype.itemsize  # Python integers: no overflow
            if expected > MAX_BYTES:
                raise DataError(f"{path}: header declares shape {shape} ({expected:,} bytes), more than the "
                                f"{MAX_BYTES:,} an IDX file may hold here")
            raw = f.read(expected + 1)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except EOFError:
        raise DataError(f"{path}: truncated gzip file (download it again)") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as e:
        raise DataError(f"{path}: corrupt gzip file ({e})") from None
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "has trailing bytes"
        raise DataError(f"{path}: {what}: header declares shape {shape} ({expected} bytes), file holds "
                        f"{'more' if len(raw) > expected else len(raw)}")
    array = np.frombuffer(raw, dtype=dtype).reshape(shape)
    if dtype.kind == "f" and not np.isfinite(array).all():
        raise DataError(f"{path}: holds NaN or infinite values")
    return array
