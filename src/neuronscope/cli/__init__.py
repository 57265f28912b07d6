"""The command line: parses arguments, calls the library, prints. Each command group is one module
that adds its parsers and names the function handling each; errors become one line, no traceback."""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import NeuronscopeError
from . import basics, experiments, features, imagenet, runs, text, vision


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neuronscope", description="Train small networks and see what they learn.")
    parser.add_argument("--version", action="version", version=f"neuronscope {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (runs, experiments, basics, text, vision, features, imagenet):
        group.add_parsers(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except NeuronscopeError as e:
        print(f"neuronscope: error: {e}", file=sys.stderr)
        return 2


__all__ = ["build_parser", "main"]
