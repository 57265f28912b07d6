"""Simple signals computed from text, character by character, that a cell might track: inside a
quote or brackets, bracket depth, place in the line, indentation, comments and strings in code,
the start of a word. Each value describes the state *after* reading that character, which is
what a cell's activation at that character can know."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TextFeature:
    name: str
    values: np.ndarray  # (len(text),) float64; 0/1 for binary features
    binary: bool
    description: str


def text_features(text: str, code: bool = False) -> list[TextFeature]:
    """The signals for ``text``; ``code=True`` adds comments, string literals and indentation."""
    n = len(text)
    quote, depth = np.zeros(n), {pair: np.zeros(n) for pair in ("()", "[]", "{}")}
    line_position, to_newline, word_start = np.zeros(n), np.zeros(n), np.zeros(n)
    inside_quote = False
    open_count = {pair: 0 for pair in depth}
    column = 0
    for t, char in enumerate(text):
        if char == '"':
            inside_quote = not inside_quote
        quote[t] = inside_quote
        for pair in depth:
            if char == pair[0]:
                open_count[pair] += 1
            elif char == pair[1] and open_count[pair] > 0:
                open_count[pair] -= 1
            depth[pair][t] = open_count[pair]
        column = 0 if char == "\n" else column + 1
        line_position[t] = column
        word_start[t] = char.isalnum() and (t == 0 or not text[t - 1].isalnum())
    next_newline = n
    for t in range(n - 1, -1, -1):
        to_newline[t] = next_newline - t
        if text[t] == "\n":
            next_newline = t
    total_depth = sum(depth.values())
    features = [
        TextFeature("inside quotes", quote, True, 'between an opening and a closing "'),
        TextFeature("inside ( )", (depth["()"] > 0).astype(float), True, "inside parentheses"),
        TextFeature("inside [ ]", (depth["[]"] > 0).astype(float), True, "inside square brackets"),
        TextFeature("inside { }", (depth["{}"] > 0).astype(float), True, "inside braces"),
        TextFeature("bracket depth", total_depth, False, "how many (, [ and { are open"),
        TextFeature("position in line", line_position, False, "characters since the last newline"),
        TextFeature("distance to newline", to_newline, False, "characters until the next newline"),
        TextFeature("line end", (to_newline == 1).astype(float), True, "the next character is a newline"),
        TextFeature("word start", word_start, True, "first letter or digit of a word"),
    ]
    if code:
        comment, string = _python_lexical_state(text)
        features += [
            TextFeature("inside comment", comment, True, "from # to the end of the line"),
            TextFeature("inside string", string, True, "inside a string literal"),
            TextFeature("indentation", _indentation(text), False, "leading spaces of the current line"),
        ]
    return [f for f in features if np.ptp(f.values) > 0]  # a constant signal tells nothing


def _python_lexical_state(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Inside a # comment / inside a string literal (', ", ''' or \"\"\", with backslash escapes)."""
    n = len(text)
    comment, string = np.zeros(n), np.zeros(n)
    delimiter, in_comment, t = None, False, 0
    while t < n:
        char = text[t]
        if in_comment:
            in_comment = char != "\n"
            comment[t] = in_comment
        elif delimiter:
            if char == "\\":
                string[t: t + 2] = 1
                t += 2
                continue
            if text.startswith(delimiter, t):
                string[t: t + len(delimiter) - 1] = 1  # the closing quote's last character ends the string
                t += len(delimiter)
                delimiter = None
                continue
            if char == "\n" and len(delimiter) == 1:
                delimiter = None  # an unterminated one-line string ends at the line
            string[t] = delimiter is not None
        elif char == "#":
            in_comment = True
            comment[t] = 1
        elif char in "'\"":
            delimiter = char * 3 if text.startswith(char * 3, t) else char
            string[t: t + len(delimiter)] = 1
            t += len(delimiter)
            continue
        t += 1
    return comment, string


def _indentation(text: str) -> np.ndarray:
    values = np.zeros(len(text))
    indent, at_line_start = 0, True
    for t, char in enumerate(text):
        if char == "\n":
            indent, at_line_start = 0, True
        elif at_line_start and char == " ":
            indent += 1
        else:
            at_line_start = False
        values[t] = indent
    return values
