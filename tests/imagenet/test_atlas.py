"""The layer atlas: kernels at the pixels, channels rendered deeper, photo crops beside each, kept for
the next time, rendered in worker processes alike."""

import numpy as np
import pytest
import torch

from neuronscope.cli import main
from neuronscope.errors import ConfigError
from neuronscope.imagenet.atlas import layer_atlas
from neuronscope.inspect import featurevis as fv

SMALL = {"channels": 2, "size": 48, "steps": 6, "photos": ["china", "flower"]}


def test_each_depth_gets_its_channels_rendered_beside_photo_crops(lite0, tmp_path):
    heard = []
    atlas = layer_atlas(lite0, ["stem", "blocks.3", "blocks.8"], folder=tmp_path, on_layer=heard.append, **SMALL)
    stem, middle, deep = atlas.layers
    assert [row.layer for row in atlas.layers] == ["stem", "blocks.3", "blocks.8"] and len(heard) == 3
    assert stem.kernels and not middle.kernels and np.isnan(stem.values).all()
    kernel = lite0.network.stem[0].weight[stem.channels[0]].detach()  # (RGB, 3, 3): the top left weight per color
    np.testing.assert_array_equal(stem.renderings[0][0, 0] >= 128, (kernel[:, 0, 0] > 0).numpy())
    for row in (middle, deep):
        assert row.renderings.shape == (2, 48, 48, 3) and row.renderings.dtype == np.uint8
        images = torch.as_tensor(row.renderings).permute(0, 3, 1, 2).float() / 255
        with torch.no_grad():
            rendered = fv.evaluate(lite0, fv.channel(row.layer, row.channels), images)
            noise = fv.evaluate(lite0, fv.channel(row.layer, row.channels), torch.rand(2, 3, 48, 48))
        assert (rendered > noise).all()
    for row in atlas.layers:
        assert all(len(examples) == 2 for examples in row.examples)
        first, second = row.examples[0]
        assert {first.photo, second.photo} == {"china", "flower"} and first.activation >= second.activation
        assert first.crop.shape == (64, 64, 3) and first.crop.dtype == np.uint8
    assert atlas.photos == ["china", "flower"] and len(list(tmp_path.glob("*.npz"))) == 2


def test_a_second_atlas_reads_what_the_first_rendered(lite0, tmp_path):
    first = layer_atlas(lite0, ["blocks.3"], folder=tmp_path, **SMALL)
    again = layer_atlas(lite0, ["blocks.3"], folder=tmp_path, **SMALL)
    assert not first.layers[0].reused and again.layers[0].reused
    np.testing.assert_array_equal(first.layers[0].renderings, again.layers[0].renderings)
    next(tmp_path.glob("*.npz")).write_bytes(b"damaged")
    assert not layer_atlas(lite0, ["blocks.3"], folder=tmp_path, **SMALL).layers[0].reused


def test_worker_processes_render_the_same_atlas(lite0):
    here = layer_atlas(lite0, ["blocks.1", "blocks.3"], **SMALL)
    workers = layer_atlas(lite0, ["blocks.1", "blocks.3"], workers=2, **SMALL)
    for a, b in zip(here.layers, workers.layers):
        assert a.channels == b.channels
        assert np.abs(a.renderings.astype(int) - b.renderings.astype(int)).max() <= 3


@pytest.mark.parametrize("options, message", [
    ({"channels": 0}, "channels per layer must be 1..64"),
    ({"size": 4}, "size must be 32.."),
    ({"layers": ["blocks.99"]}, "no layer named 'blocks.99'"),
    ({"layers": ["output"]}, "has no channels to render"),
    ({"chosen": {"blocks.3": [999]}, "layers": ["blocks.3"]}, "blocks.3 has channels 0..39"),
])
def test_absurd_settings_are_one_line_errors(lite0, options, message):
    with pytest.raises(ConfigError, match=message):
        layer_atlas(lite0, **{**SMALL, "layers": ["blocks.3"], **options})


def test_the_atlas_command_draws_and_keeps_its_renderings(imagenet_cache, tmp_path, capsys):
    out = tmp_path / "atlas.png"
    command = ["imagenet", "atlas", "--layers", "stem,blocks.3", "--channels", "2", "--size", "40", "--steps", "3",
               "--photos", "china", "--out", str(out), "--cache", str(imagenet_cache)]
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert "stem       channels" in printed and "its kernels" in printed and "rendered" in printed
    assert out.stat().st_size > 20_000
    assert main(command) == 0 and "kept from before" in capsys.readouterr().out


@pytest.mark.slow
def test_layers_render_as_tasks_on_a_local_ray_instance(lite0):
    pytest.importorskip("ray")
    here = layer_atlas(lite0, ["blocks.1", "blocks.3"], **SMALL)
    on_ray = layer_atlas(lite0, ["blocks.1", "blocks.3"], ray_address="local", **SMALL)
    assert [row.layer for row in on_ray.layers] == ["blocks.1", "blocks.3"]
    for a, b in zip(here.layers, on_ray.layers):
        assert np.abs(a.renderings.astype(int) - b.renderings.astype(int)).max() <= 3
