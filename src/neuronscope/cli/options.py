"""Options and argument types that several commands share, defined once."""

from __future__ import annotations

import argparse
from pathlib import Path


def int_list(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers such as 784,30,10, got {text!r}") from None


def float_list(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers such as 0.01,0.1,0.3, got {text!r}") from None


def shape(text: str) -> tuple[int, int]:
    values = int_list(text)
    if len(values) != 2:
        raise argparse.ArgumentTypeError(f"expected HEIGHT,WIDTH such as 28,28, got {text!r}")
    return tuple(values)


def add_data_options(p: argparse.ArgumentParser, datasets: tuple[str, ...] | None = None,
                     sizes: tuple[str, ...] = ("train", "test")) -> None:
    """``--dataset`` (when ``datasets`` are given), ``--data-dir`` and the slice sizes of ``sizes``."""
    if datasets:
        p.add_argument("--dataset", choices=datasets, default=datasets[0], help=f"training data (default: {datasets[0]})")
    p.add_argument("--data-dir", help="where dataset files are (default: where the run found them, then "
                                      "$NEURONSCOPE_DATA, then the cache folder)")
    for split in sizes:
        p.add_argument(f"--{split}-size", type=int, help=f"use only the first N {split} images")


def add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000)


def add_run_options(p: argparse.ArgumentParser, *, resume: bool = True) -> None:
    """What a training command does with its run directory, where it runs, and how much it says."""
    if resume:
        p.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    p.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    p.add_argument("--no-report", action="store_true", help="skip the figures and report.html")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def progress(args) -> bool:
    return not getattr(args, "quiet", False)


def device(args) -> str | None:
    return None if args.device == "auto" else args.device


def command_group(commands, name: str, help: str, handler, dest: str):
    """A command with subcommands (``neuronscope text train``): the subcommand lands in ``args.<dest>``."""
    group = commands.add_parser(name, help=help)
    group.set_defaults(handler=handler)
    return group.add_subparsers(dest=dest, required=True, metavar=dest.upper())


def figure_file(path: Path) -> Path:
    """An --out for one figure, checked before any work is done: a .png or .svg path."""
    from ..errors import ConfigError

    if path.suffix.lower() not in (".png", ".svg"):
        raise ConfigError(f"{path}: write the figure as .png or .svg")
    return path
