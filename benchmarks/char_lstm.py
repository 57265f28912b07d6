"""A 2-layer, 128-cell LSTM on tinyshakespeare: the validation loss reached within 10 minutes of
training on this machine, and training throughput against a straightforward single-sequence loop.

    python benchmarks/char_lstm.py --data-dir ../shared/data [--minutes 10] [--out runs/bench-char-lstm]

The baseline reads one sequence at a time, steps an LSTMCell through it character by character in
Python, and updates after each sequence: the textbook loop. neuronscope's loop reads 64 streams side
by side through torch's fused multi-layer LSTM and carries state across chunks.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch
from torch import nn

from neuronscope.data.text import Vocabulary, load_corpus
from neuronscope.models.char_rnn import CharRNN, CharRNNConfig
from neuronscope.runs import train_run
from neuronscope.training.char_loop import CharTrainConfig, split_text, streams

TARGET_NATS = 1.6


class TextbookLSTM(nn.Module):
    """The same sizes as CharRNN, stepped one character at a time through LSTMCells."""

    def __init__(self, vocab: int, hidden: int = 128, layers: int = 2, embedding: int = 64):
        super().__init__()
        self.embed = nn.Embedding(vocab, embedding)
        self.cells = nn.ModuleList(nn.LSTMCell(embedding if l == 0 else hidden, hidden) for l in range(layers))
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        states = [None] * len(self.cells)
        outputs = []
        for x in self.embed(tokens):
            for l, cell in enumerate(self.cells):
                states[l] = cell(x[None], states[l])
                x = states[l][0][0]
            outputs.append(self.head(x))
        return torch.stack(outputs)


def textbook_chars_per_second(tokens, vocab: int, seconds: float, seq_len: int = 100) -> float:
    model = TextbookLSTM(vocab)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    started, chars, start = time.perf_counter(), 0, 0
    while time.perf_counter() - started < seconds:
        x = torch.from_numpy(tokens[start:start + seq_len].copy())
        y = torch.from_numpy(tokens[start + 1:start + seq_len + 1].copy())
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        chars += seq_len
        start = (start + seq_len) % (len(tokens) - seq_len - 1)
    return chars / (time.perf_counter() - started)


def batched_chars_per_second(tokens, vocabulary: str, seconds: float, config: CharTrainConfig) -> float:
    model = CharRNN(CharRNNConfig(vocabulary, hidden=128, layers=2))
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    x, y = streams(tokens, config.batch, config.seq_len)
    started, chars, chunk, state = time.perf_counter(), 0, 0, None
    while time.perf_counter() - started < seconds:
        s = chunk * config.seq_len
        logits, state = model(x[:, s:s + config.seq_len], state)
        state = tuple(t.detach() for t in state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[:, s:s + config.seq_len].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimizer.step()
        chars += x.shape[0] * config.seq_len
        chunk = (chunk + 1) % (x.shape[1] // config.seq_len)
    return chars / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--throughput-seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=Path("runs/bench-char-lstm"))
    args = parser.parse_args()
    corpus = load_corpus("tinyshakespeare", args.data_dir)
    vocabulary = Vocabulary.of(corpus.text)
    config = CharTrainConfig(minutes=args.minutes, eval_every=200)
    train_tokens, _ = split_text(vocabulary.encode(corpus.text), config)
    print(f"{torch.get_num_threads()} torch threads; tinyshakespeare {len(corpus.text):,} characters")

    textbook = textbook_chars_per_second(train_tokens, len(vocabulary), args.throughput_seconds)
    batched = batched_chars_per_second(train_tokens, vocabulary.chars, args.throughput_seconds, config)
    print(f"throughput: textbook single-sequence LSTMCell loop {textbook:,.0f} chars/s; "
          f"neuronscope {config.batch}x{config.seq_len} fused LSTM {batched:,.0f} chars/s -> {batched / textbook:.1f}x")

    run = train_run(args.out, corpus, CharRNNConfig(vocabulary.chars, hidden=128, layers=2), config,
                         overwrite=True, progress=False)
    reached = None
    for h in run.history:
        print(f"  {h['seconds']:6.0f} s  {h['chars'] / 1e6:6.1f} M chars  validation {h['val_nats']:.3f} nats/char "
              f"= {h['val_bits']:.3f} bits/char")
        if reached is None and h["val_nats"] <= TARGET_NATS:
            reached = h
    best = min(h["val_nats"] for h in run.history)
    print(f"best validation loss {best:.3f} nats/char = {best / math.log(2):.3f} bits/char in "
          f"{run.history[-1]['seconds'] / 60:.1f} min")
    if reached:
        print(f"reached {TARGET_NATS} nats/char after {reached['seconds'] / 60:.1f} min: PASS "
              f"(target: <= {TARGET_NATS} nats/char within {args.minutes:g} min)")
    else:
        print(f"did not reach {TARGET_NATS} nats/char within {args.minutes:g} min: FAIL")
    from neuronscope.inspect.sampling import sample_text
    sample = "".join(c.char for c in sample_text(run.model, 500, prime="ROMEO:\n", temperature=0.8, seed=1))
    print(f"sample at temperature 0.8:\nROMEO:\n{sample}")
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())
