"""Style transfer with the ImageNet network: Gatys' Gram matrices, plain and softmax-smoothed."""

import math

import numpy as np
import pytest

from neuronscope.cli import main
from neuronscope.errors import ConfigError
from neuronscope.imagenet.style import open_style, swirls, transfer_style


@pytest.mark.parametrize("smoothing", ["none", "softmax"])
def test_the_style_loss_falls_and_the_photo_takes_the_style(lite0, smoothing):
    result = transfer_style(lite0, "china", "swirls", size=96, steps=30, smoothing=smoothing)
    assert result.image.shape == result.content.shape == (3, 64, 96) and result.style.shape == (3, 96, 96)
    assert len(result.style_loss) == len(result.content_loss) == 30
    assert result.style_loss_fall > 3 and result.content_loss[0] == 0
    moved = result.image - result.content
    assert float(moved.abs().mean()) > 0.01
    # the photo's colors move toward the style's blues
    assert float((result.image[2] - result.image[0]).mean()) > float((result.content[2] - result.content[0]).mean())


def test_swirls_are_a_painting_made_here():
    strokes = swirls(64)
    assert strokes.shape == (64, 64, 3) and 0 <= strokes.min() and strokes.max() <= 1
    np.testing.assert_array_equal(strokes, swirls(64))
    assert (strokes[..., 2] > strokes[..., 0]).mean() > 0.5 and strokes.std() > 0.1
    assert open_style("swirls", 32).shape == (32, 32, 3) and open_style("flower").shape[-1] == 3


@pytest.mark.parametrize("options, message", [
    ({"smoothing": "gaussian"}, "smoothing is one of none, softmax"),
    ({"size": 10_000}, "size must be 32..768"),
    ({"steps": 0}, "steps must be 1..2000"),
    ({"style_weight": math.inf}, "style_weight must be above 0"),
    ({"style_layers": ["blocks.99"]}, "no layer named 'blocks.99'"),
])
def test_absurd_settings_are_one_line_errors(lite0, options, message):
    with pytest.raises(ConfigError, match=message):
        transfer_style(lite0, "china", "swirls", **options)


def test_the_style_command_shows_both_side_by_side(imagenet_cache, tmp_path, capsys):
    out = tmp_path / "style.png"
    assert main(["imagenet", "style", "flower", "--size", "64", "--steps", "5", "--out", str(out),
                 "--cache", str(imagenet_cache)]) == 0
    printed = capsys.readouterr().out
    assert "plain Gram matrices (Gatys): style loss" in printed and "softmax-smoothed" in printed
    assert out.stat().st_size > 10_000
    assert main(["imagenet", "style", "flower", "--style", str(tmp_path / "missing.jpg")]) == 2
    assert "missing.jpg: no such file" in capsys.readouterr().err
