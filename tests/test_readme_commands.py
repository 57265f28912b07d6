"""The README's commands parse with the real command line, and the outputs it shows for quick
commands are exactly what those commands print today."""

import math
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from neuronscope.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)
# outputs shown for these commands are checked by running them (each takes seconds)
QUICK = ("neuronscope train --preset nielsen", "neuronscope basics boundaries", "neuronscope basics backprop",
         "neuronscope imagenet classify")


def _command_lines() -> list[str]:
    lines = []
    for language, body in BLOCKS:
        for line in body.splitlines():
            line = line.removeprefix("$ ").strip()
            line = re.sub(r"^\.venv/bin/", "", line)
            if line.startswith("neuronscope "):
                lines.append(line)
    return lines


def _arguments(line: str) -> list[str]:
    """A README command line as argv: comments, pipes and [optional] parts dropped, placeholders filled."""
    line = line.split(" | ")[0]
    line = re.sub(r"\s+#.*$", "", line)
    line = re.sub(r"\[[^\]]*\]", "", line)
    words = shlex.split(line)[1:]
    return [{"RUN": "runs/x", "FILE": "x.txt", "...": "runs/y"}.get(w, w) for w in words]


def _shown_outputs() -> list[tuple[str, str]]:
    """(command, the output the README shows for it) for the quick commands."""
    shown = []
    for index, (language, body) in enumerate(BLOCKS):
        if language:
            continue
        if body.startswith("$ "):
            for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
                command, _, output = chunk.partition("\n")
                shown.append((command, output))
        elif index and BLOCKS[index - 1][0] == "bash":
            commands = [c for c in _command_lines() if c in BLOCKS[index - 1][1] or
                        f".venv/bin/{c}" in BLOCKS[index - 1][1]]
            if commands:
                shown.append((commands[0], body))
    return [(c, o) for c, o in shown if c.startswith(QUICK)]


def test_every_readme_command_parses():
    lines = _command_lines()
    assert len(lines) > 20
    parser = build_parser()
    for line in lines:
        try:
            parser.parse_args(_arguments(line))
        except SystemExit:
            pytest.fail(f"the README's command does not parse: {line}")


def test_the_quick_commands_outputs_are_checked():
    shown = [command for command, _ in _shown_outputs()]
    assert all(any(command.startswith(quick) for command in shown) for quick in QUICK)


@pytest.mark.parametrize("command, shown", _shown_outputs(), ids=lambda v: v[:40] if isinstance(v, str) else v)
def test_the_readme_shows_what_the_command_prints(command, shown, tmp_path, shared_data):
    argv = _arguments(command.split(" | ")[0])
    result = subprocess.run([sys.executable, "-m", "neuronscope", *argv], cwd=tmp_path, capture_output=True,
                            text=True, env={"NEURONSCOPE_DATA": str(shared_data), "PATH": "/usr/bin:/bin",
                                            "MPLBACKEND": "Agg", "HOME": str(tmp_path)}, timeout=300)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    if "| tail -" in command:
        printed = printed[-int(command.rsplit("tail -", 1)[1]):]
    expected = shown.rstrip("\n").splitlines()
    assert [_words(line) for line in printed] == [_words(line) for line in expected]
    for got, want in zip(printed, expected):  # another CPU may round the last digits differently
        for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)):
            assert math.isclose(float(a), float(b), rel_tol=0.01, abs_tol=0.25), (got, want)


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _words(line: str) -> str:
    return NUMBER.sub("#", line)
