"""Simple signals computed from text, character by character, that a cell might track: inside a
quote or brackets, bracket depth, place in the line, indentation, comments and strings in code,
the start of a word. Each value describes the state *after* reading that character, which is
what a cell's activation at that character can know. Comments and string literals come from
pygments' lexer for the code's language, so C's ``#include`` is no comment and ``//`` is one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError


@dataclass(frozen=True)
class TextFeature:
    name: str
    values: np.ndarray  # (len(text),) float64; 0/1 for binary features
    binary: bool
    description: str


def text_features(text: str, language: str | None = None) -> list[TextFeature]:
    """The signals for ``text``; a ``language`` (a pygments lexer name such as ``python``, ``c`` or
    ``rust``) adds comments, string literals and indentation."""
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
    if language:
        comment, string = lexical_state(text, language)
        features += [
            TextFeature("inside comment", comment, True, f"inside a {language} comment"),
            TextFeature("inside string", string, True, f"inside a {language} string literal"),
            TextFeature("indentation", _indentation(text), False, "leading spaces of the current line"),
        ]
    return [f for f in features if np.ptp(f.values) > 0]  # a constant signal tells nothing


def lexical_state(text: str, language: str) -> tuple[np.ndarray, np.ndarray]:
    """Inside a comment / inside a string literal, per character, as pygments lexes ``language``.
    A string's opening quote is inside it and its closing quote's last character is not (after
    reading it the string is over); a line comment ends before its newline; code interpolated
    into a string (``f"{x}"``, ``${x}``) counts as inside it; preprocessor lines are not comments."""
    from pygments.token import Comment, String

    comment, string = np.zeros(len(text)), np.zeros(len(text))
    span_start, span_end, interpolation = None, 0, 0
    for start, kind, value in _lexer(language).get_tokens_unprocessed(text):
        end = start + len(value)
        if kind in Comment and kind not in Comment.Preproc and kind not in Comment.PreprocFile:
            comment[start: end - value.endswith("\n")] = 1
        in_string = (kind in String and kind not in String.Affix) or interpolation > 0
        if kind in String.Interpol:
            interpolation += value.count("{") - value.count("}")
            interpolation = max(interpolation, 0)
        if in_string:
            span_start = start if span_start is None else span_start
            span_end = end
        elif span_start is not None and value.strip():
            string[span_start: span_end - 1] = 1
            span_start = None
    if span_start is not None:
        string[span_start: span_end - 1] = 1
    return comment, string


def _lexer(language: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        # no stripping or added newline: token offsets must stay the text's own
        return get_lexer_by_name(language, stripnl=False, stripall=False, ensurenl=False)
    except ClassNotFound:
        raise ConfigError(f"no lexer for the language {language!r}; give a pygments name such as python, c, "
                          f"javascript or rust") from None


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
