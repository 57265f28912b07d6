import io

import numpy as np
import pytest
from matplotlib.image import imread

from neuronscope import inspect, plot
from neuronscope.inspect import WeightsImages
from neuronscope.plot.style import DIVERGING, symmetric_norm

from ..conftest import sheet_tiles


def _pixels(fig) -> np.ndarray:
    return imread(io.BytesIO(plot.figure_png(fig)))


def _texts(fig) -> list[str]:
    return [text.get_text() for ax in fig.axes for text in ax.texts]


def test_positive_is_blue_negative_is_red_zero_is_white():
    norm, reach = symmetric_norm(np.array([-2.0, 0.0, 2.0]))
    blue, white, red = (DIVERGING(norm(v)) for v in (1.0, 0.0, -1.0))
    assert blue[2] > blue[0] + 0.3 and red[0] > red[2] + 0.3
    assert min(white[:3]) > 0.95 and reach == pytest.approx(2.0, rel=0.01)


def test_weights_grid_draws_one_tile_per_neuron_with_its_colors():
    images = np.zeros((6, 8, 8), dtype=np.float32)
    images[:, :, :4] = 1.0  # every neuron likes the left half, dislikes the right half
    images[:, :, 4:] = -1.0
    fig = plot.plot_weights_images(WeightsImages("hidden1", images, projected=False))
    assert len(sheet_tiles(fig)) == 6
    assert [t for t in _texts(fig) if t.startswith("#")] == [f"#{i}" for i in range(6)]
    rgb = _pixels(fig)[..., :3]
    bluish = (rgb[..., 2] > rgb[..., 0] + 0.2).sum()
    reddish = (rgb[..., 0] > rgb[..., 2] + 0.2).sum()
    assert bluish > 1000 and reddish > 1000


def test_every_standard_figure_renders(digits_run, digits):
    from neuronscope.experiments.dense import run_figures

    figures = run_figures(digits_run, digits)
    names = [f.name for f in figures]
    assert names == ["weights_hidden1", "contributions_output", "lego_output", "activation_map", "confusion",
                     "mistakes", "training_curves"]
    for named in figures:
        pixels = _pixels(named.figure)
        assert pixels.shape[0] > 200 and pixels.shape[1] > 300
        assert pixels[..., :3].std() > 0.05  # not a blank canvas


def test_lego_blocks_titles_show_index_and_contribution(tiny_model):
    fig = plot.plot_lego_blocks(inspect.lego_blocks(tiny_model, "output", k=2), names=["a", "b", "c"])
    block = inspect.lego_blocks(tiny_model, "output", k=2)[0]
    assert f"#{block.positive[0]} {block.positive_values[0]:+.2f}" in _texts(fig)


def test_deeper_networks_get_projected_figures_for_each_layer(tmp_path, digits):
    from neuronscope.experiments.dense import run_figures
    from neuronscope.runs import train_run
    from neuronscope.training import build_configs

    configs = build_configs(input_size=64, num_classes=10, image_shape=(8, 8), preset="3b1b", epochs=1)
    run = train_run(tmp_path / "deep", digits, *configs, progress=False)
    names = [f.name for f in run_figures(run, digits)]
    assert {"weights_hidden1", "weights_hidden2", "lego_hidden2", "lego_output"} <= set(names)


def test_save_figure_writes_png_and_svg(tmp_path, tiny_model):
    fig = plot.plot_weights_images(inspect.weights_images(tiny_model))
    assert plot.save_figure(fig, tmp_path / "w.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in plot.save_figure(fig, tmp_path / "w.svg").read_bytes()[:500]


def test_a_sheet_tile_lands_where_it_is_placed_and_the_right_way_up():
    from neuronscope.plot.style import TileSheet

    sheet = TileSheet(4, 3)
    picture = np.zeros((4, 4, 3))
    picture[:2, :, 2] = 1.0  # top half blue
    picture[2:, :, 0] = 1.0  # bottom half red
    sheet.image(picture, x=1.0, y=1.0, size=1.0)
    rgb = _pixels(sheet.figure)[..., :3]
    per_inch = rgb.shape[1] / 4
    at = lambda x, y: rgb[int(y * per_inch), int(x * per_inch)]  # noqa: E731  (inches from the top left)
    assert at(1.5, 1.25)[2] > 0.9 > at(1.5, 1.25)[0]  # upper half of the tile: blue
    assert at(1.5, 1.75)[0] > 0.9 > at(1.5, 1.75)[2]  # lower half: red
    assert at(0.5, 1.5).min() > 0.95 and at(2.5, 1.5).min() > 0.95  # white beside it
