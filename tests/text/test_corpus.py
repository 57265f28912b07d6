"""Corpora: the real files, this Python's own source, user files, and the bad ones refused clearly."""

import pytest

from neuronscope.data.text import SHAKESPEARE_FILE, Vocabulary, corpus_language, load_corpus
from neuronscope.errors import DataError, DownloadError


def test_tinyshakespeare_from_the_data_folder(shared_data):
    corpus = load_corpus("tinyshakespeare", shared_data, download=False)
    assert len(corpus.text) == 1_115_394 and corpus.text.startswith("First Citizen:")
    assert len(Vocabulary.of(corpus.text)) == 65 and not corpus.is_code


def test_the_standard_library_is_a_code_corpus():
    corpus = load_corpus("python-stdlib", max_chars=50_000)
    assert len(corpus.text) == 50_000 and corpus.is_code and corpus.language == "python"
    assert "def " in corpus.text and "import " in corpus.text
    assert corpus.text == load_corpus("python-stdlib", max_chars=50_000).text  # same order every time


def test_user_files_are_read_as_utf8_with_one_newline_convention(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes("caf\u00e9 line one\r\nline two\r\n".encode())
    corpus = load_corpus(str(path))
    assert corpus.text == "caf\u00e9 line one\nline two\n" and corpus.source == str(path.resolve())
    assert corpus.language is None


@pytest.mark.parametrize("name, language", [("kernel.c", "c"), ("lib.RS", "rust"), ("app.js", "javascript")])
def test_code_files_are_lexed_in_their_language(tmp_path, name, language):
    path = tmp_path / name
    path.write_text("x = 1;\n")
    corpus = load_corpus(str(path))
    assert corpus.language == language and corpus.summary()["language"] == language


def test_runs_that_kept_only_is_code_still_know_their_language():
    assert corpus_language({"is_code": True, "source": "python-stdlib"}) == "python"
    assert corpus_language({"is_code": True, "source": "/src/fs/inode.c"}) == "c"
    assert corpus_language({"is_code": False, "source": "/books/a.txt"}) is None


@pytest.mark.parametrize("content, message", [
    (b"", "the text is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("na\u00efve caf\u00e9".encode("latin-1"), "not UTF-8 text (byte 2 is 0xef)"),
])
def test_bad_files_are_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_corpus(str(path))


def test_a_missing_file_names_the_corpora():
    with pytest.raises(DataError, match="no such file; give a text file or one of tinyshakespeare"):
        load_corpus("/nonexistent/corpus.txt")


def test_unknown_characters_are_listed():
    vocabulary = Vocabulary.of("abc\n")
    assert vocabulary.decode(vocabulary.encode("cab\n")) == "cab\n"
    with pytest.raises(DataError, match="2 character\\(s\\) the model never saw in training: 'x', 'z'"):
        vocabulary.encode("zax")


def test_tinyshakespeare_downloads_from_a_mirror_and_is_verified(tmp_path, monkeypatch, file_server, shared_data):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setenv("NEURONSCOPE_TEXT_MIRROR", file_server(shared_data / "text"))
    monkeypatch.setattr("neuronscope.data.text.SHAKESPEARE_MIRRORS", ())
    corpus = load_corpus("tinyshakespeare", tmp_path / "cache", progress=False)
    assert (tmp_path / "cache" / "text" / SHAKESPEARE_FILE).is_file() and len(corpus.text) == 1_115_394


def test_a_corrupt_download_leaves_nothing(tmp_path, monkeypatch, file_server):
    served = tmp_path / "served"
    served.mkdir()
    (served / SHAKESPEARE_FILE).write_text("not the play\n" * 100)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setenv("NEURONSCOPE_TEXT_MIRROR", file_server(served))
    monkeypatch.setattr("neuronscope.data.text.SHAKESPEARE_MIRRORS", ())
    with pytest.raises(DownloadError, match="checksum mismatch"):
        load_corpus("tinyshakespeare", tmp_path / "cache", progress=False)
    assert not list((tmp_path / "cache").rglob("*.txt"))
