"""Verified downloads: stream to a temporary file with a progress bar, check the digest, then rename."""

from __future__ import annotations

import gzip
import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

from tqdm.auto import tqdm

from ..errors import DownloadError
from ..files import atomic_write

CHUNK = 1 << 16


def content_md5(path: Path) -> str:
    """md5 of a file's content, decompressed first when it is gzip, so a recompressed copy still matches."""
    with open(path, "rb") as f:
        opener = gzip.open if f.read(2) == b"\x1f\x8b" else open
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with opener(path, "rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
    except (OSError, EOFError) as e:
        raise DownloadError(f"{path.name}: downloaded file is not valid gzip ({e})") from None
    return digest.hexdigest()


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, dest: Path, expected_md5: str, *, progress: bool = True, timeout: float = 60.0,
             whole_file: bool = False) -> Path:
    """Download ``url`` to ``dest``; ``dest`` appears only if its md5 equals ``expected_md5``: the md5 of
    its content (decompressed when gzip), or with ``whole_file`` of the bytes as downloaded (archives)."""

    def fetch(tmp: Path) -> None:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(tmp, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress) as bar:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        bar.update(len(chunk))
        except (urllib.error.URLError, OSError) as e:
            raise DownloadError(f"{url}: download failed ({getattr(e, 'reason', e)})") from None
        got = file_md5(tmp) if whole_file else content_md5(tmp)
        if got != expected_md5:
            raise DownloadError(f"{url}: checksum mismatch (md5 {got}, expected {expected_md5}); file discarded")

    atomic_write(dest, fetch)
    return dest


def download_first(urls: list[str], dest: Path, expected_md5: str, *, progress: bool = True,
                   whole_file: bool = False) -> Path:
    """Try each mirror in turn; raise the last error if none delivers a verified file."""
    errors = []
    for url in urls:
        try:
            return download(url, dest, expected_md5, progress=progress, whole_file=whole_file)
        except DownloadError as e:
            errors.append(str(e))
    raise DownloadError(f"{dest.name}: no mirror delivered a verified copy: " + " | ".join(errors))


def env_mirrors(variable: str) -> list[str]:
    """Extra mirror base URLs from an environment variable (space separated), tried before the defaults."""
    return os.environ.get(variable, "").split()
