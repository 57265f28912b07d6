"""A real ImageNet network offline, and any image classifier through the same API.

    from neuronscope import imagenet
    network = imagenet.efficientnet_lite()          # EfficientNet-Lite0, published ImageNet weights
    imagenet.classify(network, "china")             # top-5: palace, bell cote, lakeside, ...
    mine = imagenet.ImageClassifier(torchvision_model, class_names)   # bring your own
"""

from .classes import DOG_BREEDS, find_class, imagenet_classes
from .classifier import Classification, ImageClassifier, classify, efficientnet_lite, imagenet_run
from .photos import center_crop, open_photo, sample_photo

__all__ = ["DOG_BREEDS", "Classification", "ImageClassifier", "center_crop", "classify", "efficientnet_lite",
           "find_class", "imagenet_classes", "imagenet_run", "open_photo", "sample_photo"]
