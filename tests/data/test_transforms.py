import numpy as np
import torch

from neuronscope.data.transforms import prepare_like_digits


def test_a_blank_drawing_is_a_blank_digit():
    assert not prepare_like_digits(np.zeros((56, 56), dtype=np.float32)).any()


def test_digits_drawn_large_are_prepared_back_into_digits_the_network_reads(digits_run, digits):
    """Each 8x8 test digit blown up to a 56x56 drawing, then prepared: the network still reads it."""
    images = digits.test_images.reshape(-1, 8, 8)
    drawings = np.stack([np.kron(image, np.ones((7, 7), dtype=np.float32)) for image in images])
    prepared = np.stack([prepare_like_digits(drawing) for drawing in drawings])
    assert prepared.shape == (len(images), 8, 8) and prepared.max() <= 1.0
    with torch.no_grad():
        predicted = digits_run.model(torch.from_numpy(prepared.reshape(len(images), -1))).argmax(1).numpy()
    assert (predicted == digits.test_labels).mean() > 0.8
