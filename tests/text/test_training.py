"""Training character-level runs: checkpoints that resume exactly, and corpora too short to train on."""

import pytest
import torch

from neuronscope.data.text import Corpus, Vocabulary
from neuronscope.errors import CheckpointError, ConfigError, DataError
from neuronscope.models.char_rnn import CharRNNConfig
from neuronscope.runs import open_run, train_run
from neuronscope.training.char_loop import CharTrainConfig
from tests.conftest import quote_text


def _setup(cell="lstm", dropout=0.0):
    text = quote_text(6000, seed=5)
    return Corpus("quotes", text), CharRNNConfig(Vocabulary.of(text).chars, cell=cell, hidden=8, layers=2, embedding=4,
                                                 dropout=dropout)


@pytest.mark.parametrize("cell, dropout", [("lstm", 0.0), ("gru", 0.0), ("lstm", 0.3)])
def test_resume_continues_exactly(tmp_path, cell, dropout):
    corpus, config = _setup(cell, dropout)
    training = CharTrainConfig(seq_len=20, batch_size=8, epochs=2, eval_every=7)
    whole = train_run(tmp_path / "whole", corpus, config, training, progress=False)
    train_run(tmp_path / "split", corpus, config, CharTrainConfig(**{**training.to_json(), "epochs": 1}),
                   progress=False)
    resumed = train_run(tmp_path / "split", corpus, config, training, resume=True, progress=False)
    for name, tensor in whole.model.state_dict().items():
        assert torch.equal(tensor, resumed.model.state_dict()[name]), name
    assert [h["step"] for h in resumed.history][-1] == whole.history[-1]["step"]
    assert open_run(tmp_path / "split").history[-1]["val_nats"] == whole.history[-1]["val_nats"]


def test_a_finished_run_has_nothing_left_to_train(tmp_path):
    corpus, config = _setup()
    training = CharTrainConfig(seq_len=20, batch_size=8, epochs=1, eval_every=50)
    train_run(tmp_path / "done", corpus, config, training, progress=False)
    with pytest.raises(ConfigError, match="already trained 1 of 1 epochs"):
        train_run(tmp_path / "done", corpus, config, training, resume=True, progress=False)
    history = open_run(tmp_path / "done").history
    assert all(h["train_nats"] is not None for h in history)


def test_a_corpus_shorter_than_one_sequence_is_refused(tmp_path):
    corpus = Corpus("short", "abc" * 10)
    config = CharRNNConfig(Vocabulary.of(corpus.text).chars, hidden=4, layers=1)
    with pytest.raises(DataError, match="too short for sequences of 100"):
        train_run(tmp_path / "run", corpus, config, CharTrainConfig(), progress=False)


def test_a_tampered_checkpoint_is_refused(tmp_path, quote_run):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(quote_run.path, copy)
    data = bytearray((copy / "model.safetensors").read_bytes())
    data[-10] ^= 0xFF
    (copy / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="do not match their recorded sha256"):
        open_run(copy)


def test_an_image_run_is_not_a_text_run(digits_run):
    with pytest.raises(CheckpointError, match="holds a dense network \\(kind 'mlp'\\), not a character-level model"):
        open_run(digits_run.path, kinds=("char-rnn",))
