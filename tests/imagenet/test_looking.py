"""What the ImageNet network wants to see, and how little fools it: rendered classes, a photo pushed
toward a class under 2/255, noise it is sure of."""

import math

import pytest
import torch

from neuronscope.cli import main
from neuronscope.errors import ConfigError
from neuronscope.imagenet.looking import attack_curve, class_views, fool, photo_attack


def test_a_rendered_class_raises_its_own_probability(lite0):
    [view] = class_views(lite0, ["goldfish"], size=96, steps=24)
    assert view.name == "goldfish" and view.raw.shape == view.regularized.shape == (3, 96, 96)
    noise = torch.rand((1, 3, 96, 96), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        before = float(torch.softmax(lite0(noise), 1)[0, 1])
    assert before < 0.05 and view.regularized_probability > 0.5 and view.raw_probability > 0.5


def test_an_invisible_change_makes_the_temple_a_goldfish(lite0):
    result = photo_attack(lite0, "china", "goldfish")
    change = result.attack.adversarial - result.attack.original
    assert float(change.abs().max()) <= 2 / 255 + 1e-6
    assert result.before[0][0] == "palace" and result.reached and result.after[0][1] >= 0.9


def test_noise_becomes_a_goldfish_the_network_is_sure_of(lite0):
    fooled = fool(lite0, "goldfish", size=96)
    assert fooled.confidence >= 0.99 and fooled.image.shape == (3, 96, 96)


@pytest.mark.parametrize("call, message", [
    (lambda net: class_views(net, ["goldfish"], size=4000, steps=2), "size must be 32..512"),
    (lambda net: class_views(net, ["bananna"], size=64, steps=2), "did you mean banana"),
    (lambda net: photo_attack(net, "china", "ostrich", epsilon=math.nan), "epsilon"),
    (lambda net: photo_attack(net, "china", "ostrich", steps=0), "steps must be 1.."),
])
def test_absurd_settings_are_one_line_errors(lite0, call, message):
    with pytest.raises(ConfigError, match=message):
        call(lite0)


def test_the_commands_write_their_figures(imagenet_cache, tmp_path, capsys):
    cache = ["--cache", str(imagenet_cache)]
    assert main(["imagenet", "attack", "china", "--target", "ostrich", "--out", str(tmp_path / "a.png"), *cache]) == 0
    assert "palace" in capsys.readouterr().out and (tmp_path / "a.png").stat().st_size > 10_000
    assert main(["imagenet", "visualize", "goldfish", "--size", "64", "--steps", "4", "--out",
                 str(tmp_path / "v.png"), *cache]) == 0
    assert "goldfish" in capsys.readouterr().out and (tmp_path / "v.png").is_file()
    assert main(["imagenet", "attack", "china", "--target", "ostrich", "--epsilon", "nan", *cache]) == 2
    assert "epsilon is in pixel levels" in capsys.readouterr().err
    assert main(["imagenet", "visualize", "goldfish", "--out", str(tmp_path / "v.jpg"), *cache]) == 2
    assert "v.jpg: write the figure as .png or .svg" in capsys.readouterr().err


def test_an_untargeted_attack_takes_the_photo_away_from_its_class(lite0):
    result = photo_attack(lite0, "china", epsilon=1 / 255, steps=5)
    assert result.target is None and result.reached and result.after[0][0] != result.before[0][0] == "palace"


def test_photos_lose_their_class_as_the_budget_grows(lite0):
    curve = attack_curve(lite0, ["china", "flower"], [0, 0.01 / 255, 2 / 255], steps=4, names=["temple", "daisy"])
    assert curve.kept[0] == 1 and curve.kept[-1] == 0 and curve.kept[1] >= curve.kept[-1]
    assert curve.top[0] == ["palace", "daisy"] and curve.top[-1][0] != "palace" and curve.names == ["temple", "daisy"]


def test_the_robustness_command_draws_the_curve(imagenet_cache, tmp_path, capsys):
    cache = ["--cache", str(imagenet_cache)]
    out = tmp_path / "r.png"
    assert main(["imagenet", "robustness", "china", "flower", "--epsilons", "0,2", "--steps", "2", "--out", str(out),
                 *cache]) == 0
    assert "±2/255: 0% of 2 photos keep their class" in capsys.readouterr().out and out.stat().st_size > 10_000
    for bad in ("1,x", "nan", "-1", "100"):
        assert main(["imagenet", "robustness", "china", "--epsilons", bad, *cache]) == 2
        assert "epsilons are" in capsys.readouterr().err
