"""The names options take, without the code behind them. The modules that implement each choice
take their names from here, and the command line builds its parser from nothing else, so
``neuronscope --help`` and ``--version`` answer without importing torch."""

DATASETS = ("mnist", "fashion-mnist", "digits", "cifar10")
IMAGE_DATASETS = ("mnist", "fashion-mnist", "cifar10")
CORPORA = ("tinyshakespeare", "python-stdlib")
TOY_DATASETS = ("linear", "xor", "circles", "spirals", "cats-dogs", "blobs")
MAX_TOY_CLASSES = 8

ACTIVATIONS = ("sigmoid", "relu", "tanh")
OUTPUTS = ("sigmoid", "softmax", "linear")
INITS = ("normal", "scaled")
CELLS = ("lstm", "gru", "rnn")

COSTS = ("quadratic", "cross-entropy", "hinge")
DEFAULT_OUTPUT = {"quadratic": "sigmoid", "cross-entropy": "softmax", "hinge": "linear"}
VALID_OUTPUTS = {"quadratic": ("sigmoid", "linear"), "cross-entropy": ("softmax", "sigmoid"), "hinge": ("linear",)}
OPTIMIZERS = ("sgd", "adam")
PRESETS = ("nielsen", "3b1b", "modern")
DEFAULT_PRESET = "3b1b"

CLASS_SCORES = "output"  # the layer name that means "the class scores" to feature visualization
ANALYZED_CHARS = 10_000  # the text analyses' default stretch of text: enough for rare features, a second to trace

IMAGENET_VARIANTS = ("lite0", "lite1", "lite2")
# EfficientNet-Lite's depths from the pixels up: kernels, edges, textures, patterns, parts
ATLAS_LAYERS = ("stem", "blocks.1", "blocks.3", "blocks.5", "blocks.8", "blocks.11", "blocks.15")
DREAM_LAYER = "blocks.10"  # the layer whose dreams grow animal faces, most of them dogs
