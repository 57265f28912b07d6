"""Dreaming photos with the ImageNet network, octave by octave, and counting the dogs it then sees."""

import pytest
import torch

from neuronscope.cli import main
from neuronscope.errors import ConfigError
from neuronscope.imagenet.classes import DOG_BREEDS
from neuronscope.imagenet.looking import dog_share, dream_photo
from neuronscope.inspect.hooks import outputs_up_to


def test_a_dream_grows_what_the_layer_sees_at_every_octave(lite0):
    result = dream_photo(lite0, "china", "blocks.10", size=128, octaves=3, steps=4)
    dreamed = result.dream
    assert [tuple(image.shape) for image in dreamed.octave_images] == [(3, *size) for size in dreamed.octave_sizes]
    assert dreamed.octave_sizes[-1] == (85, 128) and dreamed.image.shape == dreamed.original.shape == (3, 85, 128)
    assert float((dreamed.image - dreamed.original).abs().mean()) > 0.01
    with torch.no_grad():
        energy = [float(outputs_up_to(lite0, image[None], ["blocks.10"])["blocks.10"].pow(2).mean())
                  for image in (dreamed.original, dreamed.image)]
    assert energy[1] / energy[0] == pytest.approx(dreamed.amplification[-1], rel=1e-4)
    assert dreamed.amplification[-1] > 1.2
    assert len(result.after_octave) == 3 and result.before[0][0] in ("palace", "bell cote", "boathouse")
    assert result.dog_share_after_octave == [dog_share(lite0, [lite0.class_index(name) for name, _ in top])
                                             for top in result.after_octave]


def test_the_dog_share_counts_breeds_among_the_classes():
    class Thousand:
        class_names, name = tuple(str(i) for i in range(1000)), "net"

    assert dog_share(Thousand(), [DOG_BREEDS.start, DOG_BREEDS.stop - 1, DOG_BREEDS.stop, 1, 0]) == 0.4
    Thousand.class_names = ("a", "b")
    with pytest.raises(ConfigError, match="needs ImageNet-1k's 1,000 classes"):
        dog_share(Thousand(), [0])


def test_outputs_up_to_a_layer_stop_there(lite0):
    ran = []
    handle = lite0.network.head.register_forward_hook(lambda *_: ran.append("head"))
    try:
        x = torch.rand(1, 3, 64, 64)
        early = outputs_up_to(lite0, x, ["blocks.2"])["blocks.2"]
    finally:
        handle.remove()
    assert ran == [] and early.shape[1] == 24


def test_the_dream_command_writes_each_photo_and_the_dog_count(imagenet_cache, tmp_path, capsys):
    cache = ["--cache", str(imagenet_cache)]
    out = tmp_path / "dream.png"
    assert main(["imagenet", "dream", "china", "flower", "--size", "96", "--octaves", "2", "--steps", "2",
                 "--out", str(out), *cache]) == 0
    printed = capsys.readouterr().out
    assert "china:" in printed and "dog breeds in the top-5 after the last octave, over 2 photos" in printed
    assert all((tmp_path / f"dream-{name}.png").stat().st_size > 5_000 for name in ("china", "flower", "dogs"))
    assert main(["imagenet", "dream", "china", "--octaves", "0", *cache]) == 2
    assert "octaves must be 1..8" in capsys.readouterr().err
    assert main(["imagenet", "dream", "china", "--size", "99999", *cache]) == 2
    assert "size must be 64..1024" in capsys.readouterr().err
