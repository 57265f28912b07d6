"""Run directories of character-level models: the same files as image runs (``config.json`` with
``"kind": "char-rnn"``, ``model.safetensors``, ``metrics.json``, ``training_state.safetensors``),
written atomically at every checkpoint so a kill leaves the last one loadable and resumable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from . import __version__
from .checkpoint import save_tensors
from .data.text import Corpus, Vocabulary
from .errors import CheckpointError, ConfigError, DataError
from .files import atomic_write_json
from .models.char_rnn import CharRNN, CharRNNConfig
from .runs import (CONFIG, METRICS, MODEL, STATE, _load_model, _load_weights, _read_config, _read_history,
                   _remove_stale_temporaries, run_kind)
from .train.char_loop import CharTrainConfig, CharTrainingState, train_chars
from .train.loop import pick_device

KIND = "char-rnn"


@dataclass
class TextRun:
    path: Path
    model: CharRNN
    vocabulary: Vocabulary
    training: CharTrainConfig
    corpus: dict  # name, source, characters, whether it is code
    history: list[dict]


def _save_model(path: Path, model: CharRNN, step: int) -> None:
    save_tensors(path / MODEL, model.state_dict(), {"model": model.config.to_json(), "step": step})


def load_text_run(path: str | Path, device: str | None = "cpu") -> TextRun:
    """Open a char-RNN run; refuse it if any file is missing, corrupt or does not fit the others."""
    path = Path(path)
    if run_kind(path) != KIND:
        raise CheckpointError(f"{path}: not a character-level run (train one with `neuronscope text train`)")
    model_config, training, corpus = _read_config(path, lambda config: (
        CharRNNConfig.from_json(config["model"]), CharTrainConfig.from_json(config["training"]),
        dict(config["corpus"])))
    return TextRun(path, _load_model(path, CharRNN(model_config), device), Vocabulary(model_config.vocabulary),
                   training, corpus, _read_history(path))


def _save_checkpoint(path: Path, model: CharRNN, history: list[dict], state: CharTrainingState) -> None:
    _save_model(path, model, state.step)
    atomic_write_json(path / METRICS, {"history": history})
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    tensors.update({f"optimizer.{k}": v for k, v in state.optimizer.items()})
    tensors.update({f"carry.{k}": v for k, v in state.carry.items()})
    position = {"step": state.step, "epoch": state.epoch, "chunk": state.chunk, "seconds": state.seconds}
    save_tensors(path / STATE, tensors, {"model": model.config.to_json(), "position": position})


def _load_state(path: Path, model: CharRNN) -> CharTrainingState:
    loaded = _load_weights(path / STATE, model, prefix="model.")
    tensors, position = loaded["tensors"], loaded["meta"].get("position") or {}
    try:
        return CharTrainingState(step=int(position["step"]), epoch=int(position["epoch"]),
                                 chunk=int(position["chunk"]), seconds=float(position["seconds"]),
                                 carry={k[6:]: v for k, v in tensors.items() if k.startswith("carry.")},
                                 optimizer={k[10:]: v for k, v in tensors.items() if k.startswith("optimizer.")})
    except (KeyError, TypeError, ValueError):
        raise CheckpointError(f"{path / STATE}: has no valid training position") from None


def train_text_run(path: str | Path, corpus: Corpus, model_config: CharRNNConfig | None, training: CharTrainConfig,
                   *, resume: bool = False, overwrite: bool = False, device: str | None = None,
                   progress: bool = True) -> TextRun:
    """Train a character-level model on ``corpus`` into run directory ``path``.

    ``model_config`` may leave ``vocabulary`` empty-handed: the corpus's characters are used. With
    ``resume``, the saved model and settings continue; ``training.epochs`` and ``training.minutes``
    may be raised to train longer.
    """
    path = Path(path)
    _remove_stale_temporaries(path)
    state = None
    history: list[dict] = []
    if resume:
        existing = load_text_run(path)
        model = existing.model
        training = CharTrainConfig.from_json({**existing.training.to_json(), "epochs": training.epochs,
                                              "minutes": training.minutes})
        state = _load_state(path, model)
        history = [h for h in existing.history if h["step"] <= state.step]
        corpus_summary = existing.corpus
    else:
        if (path / CONFIG).exists() and not overwrite:
            raise ConfigError(f"{path} already holds a run; use --resume to continue it, --overwrite to replace it")
        torch.manual_seed(training.seed)
        model = CharRNN(model_config)
        path.mkdir(parents=True, exist_ok=True)
        for stale in (STATE, METRICS):
            (path / stale).unlink(missing_ok=True)
        corpus_summary = {"name": corpus.name, "source": corpus.source, "characters": len(corpus.text),
                          "is_code": corpus.is_code}
        atomic_write_json(path / CONFIG, {"neuronscope": __version__, "kind": KIND, "corpus": corpus_summary,
                                          "model": model_config.to_json(), "training": training.to_json()})
        _save_model(path, model, step=0)
    vocabulary = Vocabulary(model.config.vocabulary)
    unknown = vocabulary.unknown(corpus.text)
    if unknown:
        raise DataError(f"the corpus has {len(unknown)} character(s) outside the model's vocabulary, "
                        f"e.g. {unknown[0]!r}; resume with the corpus the run was trained on")
    model.to(pick_device(device))

    def on_checkpoint(metrics: dict, new_state: CharTrainingState) -> None:
        history.append(metrics)
        _save_checkpoint(path, model, history, new_state)

    train_chars(model, vocabulary.encode(corpus.text), training, state=state, on_checkpoint=on_checkpoint,
                progress=progress)
    return TextRun(path, model.eval(), vocabulary, training, corpus_summary, history)
