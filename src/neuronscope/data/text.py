"""Text corpora for character-level models: tinyshakespeare, the Python standard library's own
source, or any UTF-8 text file; and the vocabulary that turns characters into numbers."""

from __future__ import annotations

import math
import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..choices import CORPORA
from ..errors import DataError
from .download import download_first, env_mirrors
from .roots import data_roots, find_in_roots

SHAKESPEARE_FILE = "tinyshakespeare.txt"
SHAKESPEARE_MD5 = "6fb458f1232090904fb40fe944165e91"  # the 1,115,394-character file of the char-rnn project
SHAKESPEARE_MIRRORS = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",)
STDLIB_CHARS = 3_000_000  # enough code for many epochs' worth of patterns; reading all 20+ MB adds little
MAX_CORPUS_BYTES = 200 * 1024 * 1024
# a file's suffix -> the pygments lexer that finds its comments and strings
CODE_LANGUAGES = {".py": "python", ".pyi": "python", ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp",
                  ".hpp": "cpp", ".java": "java", ".js": "javascript", ".ts": "typescript", ".go": "go",
                  ".rs": "rust", ".rb": "ruby", ".sh": "bash"}


@dataclass(frozen=True)
class Corpus:
    name: str
    text: str
    language: str | None = None  # a pygments lexer name for code, None for prose
    source: str = ""  # what load_corpus was given, to load the same text again
    location: str | None = None  # the folder its file was found in

    @property
    def is_code(self) -> bool:
        return self.language is not None

    def summary(self) -> dict:
        return {"name": self.name, "source": self.source, "characters": len(self.text), "is_code": self.is_code,
                "language": self.language, "location": self.location}


def corpus_language(corpus: dict) -> str | None:
    """The code language of a run's corpus summary (runs written before languages were kept say
    only whether the corpus is code: the standard library is Python, a file goes by its suffix)."""
    if "language" in corpus or not corpus.get("is_code"):
        return corpus.get("language")
    return "python" if corpus.get("source") == "python-stdlib" else language_of_file(corpus.get("source", ""))


def language_of_file(path: str | os.PathLike) -> str | None:
    return CODE_LANGUAGES.get(Path(path).suffix.lower())


def load_corpus(source: str, data_dir: str | os.PathLike | None = None, *, max_chars: int | None = None,
                download: bool = True, progress: bool = True) -> Corpus:
    """``source`` is ``tinyshakespeare`` (found under ``DATA/text/`` or downloaded), ``python-stdlib``
    (this Python's own standard library source, on every machine) or the path of a UTF-8 text file."""
    if max_chars is not None and max_chars < 1:
        raise DataError(f"max chars must be a positive number of characters, got {max_chars}")
    location = None
    if source == "tinyshakespeare":
        found = _find_shakespeare(data_dir, download, progress)
        name, text, language, origin = source, _read_text(found), None, source
        location = str(found.parent.resolve())
    elif source == "python-stdlib":
        name, text, language, origin = source, _stdlib_source(max_chars or STDLIB_CHARS), "python", source
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise DataError(f"{source}: no such file; give a text file or one of {', '.join(CORPORA)}")
        name, text, language, origin = path.name, _read_text(path), language_of_file(path), str(path.resolve())
    text = text if max_chars is None else text[:max_chars]
    if not text:
        raise DataError(f"{source}: the text is empty")
    return Corpus(name, text, language, origin, location)


def _find_shakespeare(data_dir, download: bool, progress: bool) -> Path:
    roots = data_roots(data_dir)
    found = find_in_roots(roots, "text", (SHAKESPEARE_FILE,))
    if found:
        return found
    if not download:
        raise DataError(f"{SHAKESPEARE_FILE} not found under {', '.join(map(str, roots))}")
    mirrors = [*env_mirrors("NEURONSCOPE_TEXT_MIRROR"), *SHAKESPEARE_MIRRORS]
    urls = [m if m.endswith(".txt") else m.rstrip("/") + "/" + SHAKESPEARE_FILE for m in mirrors]
    return download_first(urls, roots[0] / "text" / SHAKESPEARE_FILE, SHAKESPEARE_MD5, progress=progress)


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_CORPUS_BYTES:
        raise DataError(f"{path}: {size / 2**20:.0f} MB is over the {MAX_CORPUS_BYTES // 2**20} MB a corpus may have")
    data = path.read_bytes()
    if b"\x00" in data:
        raise DataError(f"{path}: looks like a binary file (it holds NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text (byte {e.start} is {data[e.start]:#04x}); convert it, "
                        f"e.g. iconv -f latin1 -t utf-8") from None
    # one newline convention, so "\r" is not a character the model has to learn
    return text.replace("\r\n", "\n")


def _stdlib_source(max_chars: int) -> str:
    root = Path(sysconfig.get_paths()["stdlib"])
    parts, total = [], 0
    for path in _python_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # a few files exist to test odd encodings
        parts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    if not parts:
        raise DataError(f"no Python source found under {root}")
    return "\n".join(parts)[:max_chars]


def _python_files(root: Path):
    """The library's .py files in a fixed order, skipping installed packages and the test suites."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in _SKIPPED_FOLDERS)
        yield from (Path(folder) / name for name in sorted(names) if name.endswith(".py"))


_SKIPPED_FOLDERS = {"site-packages", "dist-packages", "test", "tests", "idlelib", "lib2to3", "__pycache__"}


class Vocabulary:
    """The corpus's distinct characters, sorted; ``encode`` maps text to int64 ids."""

    def __init__(self, chars: str):
        if len(set(chars)) != len(chars) or not chars:
            raise DataError("a vocabulary is a non-empty string of distinct characters")
        self.chars = chars
        self._index = {c: i for i, c in enumerate(chars)}

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def unknown(self, text: str) -> list[str]:
        return sorted(set(text) - set(self._index))

    def encode(self, text: str) -> np.ndarray:
        missing = self.unknown(text)
        if missing:
            shown = ", ".join(repr(c) for c in missing[:8]) + (" ..." if len(missing) > 8 else "")
            raise DataError(f"{len(missing)} character(s) the model never saw in training: {shown}")
        return np.fromiter((self._index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def validation_start(length: int, val_fraction: float, seq_len: int) -> int:
    """Where the validation part of a text of ``length`` characters begins: the first part trains,
    the last ``val_fraction`` validates; each part must hold at least one sequence of ``seq_len``."""
    cut = int(length * (1 - val_fraction))
    if length - cut < 2 or cut < seq_len + 1:
        raise DataError(f"the corpus has {length} characters: too short for sequences of {seq_len} "
                        f"(it needs more than {math.ceil((seq_len + 1) / (1 - val_fraction))}); "
                        f"use a longer text or a shorter --seq-len")
    return cut
