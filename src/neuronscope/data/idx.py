"""Reader for the IDX format that MNIST and Fashion-MNIST ship in, plain or gzip-compressed."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_BYTES = 2**31  # far above any IDX file this tool is meant for; guards against absurd headers


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read(MAX_BYTES + 1)
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except EOFError:
        raise DataError(f"{path}: truncated gzip file (download it again)") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as e:
        raise DataError(f"{path}: corrupt gzip file ({e})") from None


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file into an array of its declared shape and dtype.

    Raises DataError naming the file when the magic number, the declared shape or the
    length of the data is wrong.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) > MAX_BYTES:
        raise DataError(f"{path}: larger than {MAX_BYTES} bytes, not an IDX file this tool reads")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES or raw[3] == 0:
        raise DataError(f"{path}: not an IDX file (bad magic number {raw[:4].hex() or 'empty'})")
    ndim = raw[3]
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise DataError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_DTYPES[raw[2]])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(raw) - header_len
    if actual != expected:
        what = "truncated" if actual < expected else "has trailing bytes"
        raise DataError(f"{path}: {what}: header declares shape {shape} ({expected} bytes), file holds {actual}")
    return np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)
