"""``neuronscope text ...``: character-level models, their samples and their interpretable cells."""

from __future__ import annotations

from pathlib import Path

from ..choices import ANALYZED_CHARS, CELLS
from ..errors import ConfigError
from .options import add_run_options, command_group, device, progress


def add_parsers(commands) -> None:
    actions = command_group(commands, "text", "character-level LSTM/GRU/RNN: train, sample, find interpretable cells",
                            cmd_text, "action")

    train = actions.add_parser("train", help="train a character-level model into a run directory, then analyze it")
    train.add_argument("--corpus", default="python-stdlib",
                       help="python-stdlib (the default: this Python's own library source, whose string literals "
                            "give a cell that fires inside quotes), tinyshakespeare (no quotation marks at all) "
                            "or a UTF-8 text file")
    train.add_argument("--data-dir", help="where text/tinyshakespeare.txt is (default: $NEURONSCOPE_DATA, then "
                                          "the cache folder (~/.cache/neuronscope on Linux); downloaded when missing)")
    train.add_argument("--max-chars", type=int, help="use only the first N characters of the corpus")
    train.add_argument("--cell", choices=CELLS, default="lstm")
    train.add_argument("--layers", type=int, default=2)
    train.add_argument("--hidden", type=int, default=128, help="cells per layer (default: 128)")
    train.add_argument("--embedding", type=int, default=64)
    train.add_argument("--dropout", type=float, default=0.0)
    train.add_argument("--seq-len", type=int, default=100, help="characters per backpropagation chunk")
    train.add_argument("--batch-size", "--batch", dest="batch_size", type=int, default=64,
                       help="parallel streams of text")
    train.add_argument("--lr", type=float, default=2e-3)
    train.add_argument("--epochs", type=int, default=50)
    train.add_argument("--minutes", type=float, help="stop after this many minutes of training")
    train.add_argument("--eval-every", type=int, default=200, help="steps between validation checks and checkpoints")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", type=Path, default=Path("runs/char-lstm"))
    add_run_options(train)

    sample = actions.add_parser("sample", help="generate text from a trained run")
    sample.add_argument("run", type=Path)
    sample.add_argument("--prime", default="", help="text to start from (characters the model knows)")
    sample.add_argument("--length", type=int, default=500)
    sample.add_argument("--temperature", type=float, default=0.8)
    sample.add_argument("--seed", type=int, default=0)

    cells = actions.add_parser("cells", help="find the cells that track quotes, brackets, line ends...; write the report")
    cells.add_argument("run", type=Path)
    cells.add_argument("--text", type=Path, help="UTF-8 file to analyze (default: the corpus's validation text)")
    cells.add_argument("--chars", type=int, default=ANALYZED_CHARS,
                       help=f"characters analyzed (default: {ANALYZED_CHARS:,})")
    cells.add_argument("--language", help="the code's language for comment, string and indentation signals "
                                          "(a pygments name: python, c, javascript, rust...; none for prose); "
                                          "default: from --text's suffix, else the corpus's")
    cells.add_argument("--data-dir")
    cells.add_argument("--out", type=Path, help="folder for report.html, cells.json and figures (default: RUN)")
    cells.add_argument("--quiet", action="store_true")


def cmd_text(args) -> int:
    return {"train": _train, "sample": _sample, "cells": _cells}[args.action](args)


def _train(args) -> int:
    from ..data.text import Vocabulary, load_corpus
    from ..models.char_rnn import CharRNNConfig
    from ..runs import TEXT_KINDS, open_run, parameter_count, train_run
    from ..training import CharTrainConfig

    training = CharTrainConfig(seq_len=args.seq_len, batch_size=args.batch_size, lr=args.lr, epochs=args.epochs,
                               minutes=args.minutes, eval_every=args.eval_every, seed=args.seed)
    if args.resume:
        existing = open_run(args.out, kinds=TEXT_KINDS)
        corpus = existing.load_corpus(args.data_dir, progress=progress(args))
        model = existing.model.config
    else:
        corpus = load_corpus(args.corpus, args.data_dir, max_chars=args.max_chars, progress=progress(args))
        model = CharRNNConfig(Vocabulary.of(corpus.text).chars, cell=args.cell, hidden=args.hidden,
                              layers=args.layers, embedding=args.embedding, dropout=args.dropout)
    print(f"training a {model.layers}x{model.hidden} {model.cell.upper()} ({parameter_count(model):,} weights and "
          f"biases) on {corpus.name} "
          f"({len(corpus.text):,} characters, {len(model.vocabulary)} distinct) -> {args.out}")
    run = train_run(args.out, corpus, model, training, resume=args.resume, overwrite=args.overwrite,
                    device=device(args), progress=progress(args))
    final = run.history[-1]
    print(f"validation loss {final['val_nats']:.3f} nats/char = {final['val_bits']:.3f} bits/char after "
          f"{final['chars'] / 1e6:.1f} M characters ({final['seconds']:.0f} s)")
    if not args.no_report:
        _write_analysis(run, data_dir=args.data_dir, progress=progress(args))
    return 0


def _sample(args) -> int:
    from ..inspect.sampling import sample_text
    from ..runs import TEXT_KINDS, open_run

    run = open_run(args.run, kinds=TEXT_KINDS)
    chars = sample_text(run.model, args.length, prime=args.prime, temperature=args.temperature, seed=args.seed)
    print(args.prime + "".join(c.char for c in chars))
    return 0


def _cells(args) -> int:
    from ..runs import TEXT_KINDS, open_run

    run = open_run(args.run, kinds=TEXT_KINDS)
    _write_analysis(run, data_dir=args.data_dir, text_file=args.text, chars=args.chars, language=args.language,
                    out=args.out, progress=not args.quiet)
    return 0


def _write_analysis(run, *, data_dir=None, text_file: Path | None = None, chars: int = ANALYZED_CHARS,
                    language: str | None = None, out: Path | None = None, progress: bool = True) -> None:
    from ..data.text import language_of_file, load_corpus
    from ..experiments.text_cells import analysis_text, analyze_text_run

    if chars < 100:
        raise ConfigError(f"analyze at least 100 characters, got {chars}")
    text = load_corpus(str(text_file), progress=False).text[:chars] if text_file else analysis_text(run, data_dir, chars)
    if language is None:
        language = language_of_file(text_file) if text_file else "corpus"
    report = analyze_text_run(run, text, language=None if language == "none" else language)
    for finding in report.discovery.findings:
        kind = "AUC" if finding.feature.binary else "|r|"
        print(f"  {finding.feature.name:<20} layer {finding.best.layer + 1} cell {finding.best.cell:<4} "
              f"{kind} {finding.best.score:.3f}{'  interpretable' if finding.interpretable else ''}")
    print(f"{100 * report.discovery.interpretable_fraction:.0f}% of cells are interpretable by these features")
    path = report.write(out, progress=progress)
    print(f"report: {path}")
