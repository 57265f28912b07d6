"""Kernels, feature maps and the images that excite a channel, on a ConvNet trained on real digits
and on a model built here; convolution by hand against SciPy."""

import numpy as np
import pytest
import torch
from scipy import ndimage

from neuronscope.data import load_dataset
from neuronscope.errors import ConfigError
from neuronscope.inspect.conv import conv_layers, feature_maps, first_layer_kernels, top_activating
from neuronscope.inspect.convolution import CLASSIC_KERNELS, convolve, output_at, parse_kernel
from neuronscope.inspect.hooks import LayerRecorder
from neuronscope.plot import plot_convolution, plot_kernels
from neuronscope.plot.style import DIVERGING, symmetric_norm
from neuronscope.training.module_loop import image_tensor

from ..conftest import sheet_tiles


@pytest.fixture(scope="module")
def test_digits(shared_data):
    data = load_dataset("mnist", shared_data, train_size=10, test_size=400, progress=False)
    return image_tensor(data.test_images), data.test_labels


def test_first_layer_kernels_render_with_the_right_shape(quick_convnet):
    kernels = first_layer_kernels(quick_convnet)
    assert kernels.shape == (16, 1, 5, 5)
    pictures = sheet_tiles(plot_kernels(kernels))
    assert len(pictures) == 16 and all(p.shape == (5, 5, 4) for p in pictures)
    norm, _ = symmetric_norm(kernels[:, 0])
    np.testing.assert_array_equal(pictures[7], DIVERGING(norm(kernels[7, 0]), bytes=True))


def test_feature_maps_of_every_conv_layer(quick_convnet, test_digits):
    maps = feature_maps(quick_convnet, test_digits[0][0])
    assert {k: v.shape for k, v in maps.items()} == {"conv1": (16, 28, 28), "conv2": (32, 14, 14)}
    assert all(m.min() >= 0 for m in maps.values())  # after ReLU
    assert maps["conv1"].max() > 0


def test_top_images_are_the_strongest_in_the_whole_set(quick_convnet, test_digits):
    images, _ = test_digits
    top = top_activating(quick_convnet, images, "conv2", k=5, batch=64)
    assert top.indices.shape == (32, 5) and np.all(np.diff(top.values, axis=1) <= 0)
    with torch.no_grad(), LayerRecorder(quick_convnet, ["conv2"]) as recorder:
        quick_convnet(images)
    peaks = recorder.outputs["conv2"].flatten(2).amax(2).T.numpy()  # (channels, n)
    for channel in (0, 9, 31):
        np.testing.assert_allclose(top.values[channel], np.sort(peaks[channel])[::-1][:5], rtol=1e-5)
        np.testing.assert_allclose(peaks[channel, top.indices[channel]], top.values[channel], rtol=1e-5)
    assert np.all((top.positions >= 0) & (top.positions <= 28))


def test_a_brought_model_is_read_the_same_way(brought_model):
    images = torch.rand(20, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    assert conv_layers(brought_model)[:2] == ["0", "2.0.conv1"]
    assert first_layer_kernels(brought_model).shape == (8, 3, 3, 3)
    assert feature_maps(brought_model, images[0])["2.1.conv2"].shape == (8, 16, 16)
    assert top_activating(brought_model, images, "2.1.conv2", k=3).indices.shape == (8, 3)
    fig = plot_kernels(first_layer_kernels(brought_model))
    assert [tile.shape for tile in sheet_tiles(fig)] == [(3, 3, 4)] * 8


def test_bad_requests_get_clear_errors(quick_convnet, test_digits):
    images, _ = test_digits
    with pytest.raises(ConfigError, match="no layer named 'conv3'"):
        top_activating(quick_convnet, images, "conv3")
    with pytest.raises(ConfigError, match="k must be"):
        top_activating(quick_convnet, images[:3], "conv1", k=4)
    with pytest.raises(ConfigError, match="no convolutional"):
        conv_layers(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2)))


@pytest.mark.parametrize("name", sorted(CLASSIC_KERNELS))
def test_every_classic_kernel_matches_scipy(name, test_digits):
    image = test_digits[0][3, 0].numpy().astype(np.float64)
    kernel = parse_kernel(name)
    expected = ndimage.correlate(image, kernel, mode="constant", cval=0.0)
    np.testing.assert_allclose(convolve(image, kernel), expected, atol=1e-12)


def test_what_the_kernels_do(test_digits):
    image = test_digits[0][0, 0].numpy()
    np.testing.assert_allclose(convolve(image, parse_kernel("identity")), image, atol=1e-7)
    step = np.zeros((8, 8))
    step[:, 4:] = 1.0
    across = convolve(step, parse_kernel("sobel-x"))
    assert across[4, 3] > 0 and across[4, 4] > 0 and across[4, 1] == 0  # responds only at the dark-to-ink edge
    assert np.all(convolve(step, parse_kernel("sobel-y"))[1:-1] == 0)  # no horizontal edge inside
    flat = np.full((9, 9), 0.5)
    np.testing.assert_allclose(convolve(flat, parse_kernel("box-blur"))[2:-2, 2:-2], 0.5)


def test_one_output_pixel_spelled_out(test_digits):
    image = test_digits[0][0, 0].numpy().astype(np.float64)
    kernel = parse_kernel("1 2 3 4 5; 0 0 0 0 0; -1 -1 -1 -1 -1; 2 0 2 0 2; 1 1 1 1 1")
    patch, value = output_at(image, kernel, 12, 0)
    assert patch.shape == (5, 5) and np.all(patch[:, :2] == 0)  # zeros beyond the left border
    assert value == pytest.approx(convolve(image, kernel)[12, 0])


def test_color_images_are_convolved_per_channel(shared_data):
    photo = load_dataset("cifar10", shared_data, train_size=1, test_size=1, progress=False).test_images[0]
    blurred = convolve(photo, parse_kernel("gaussian-blur"))
    assert blurred.shape == (32, 32, 3)
    for c in range(3):
        np.testing.assert_allclose(blurred[..., c], convolve(photo[..., c], parse_kernel("gaussian-blur")))
    fig = plot_convolution(photo, parse_kernel("gaussian-blur"), blurred, "gaussian-blur")
    assert fig.axes[2].images[0].get_array().shape == (32, 32, 3)


@pytest.mark.parametrize("text, message", [
    ("1,2;3,4", "must be 3x3 or 5x5"),
    ("1,2,3;4,5;6,7,8", "different lengths"),
    ("blurry", "neither a kernel name"),
    ("1,2,3;4,nan,6;7,8,9", "finite"),
])
def test_bad_kernels_are_refused(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_kernel(text)
