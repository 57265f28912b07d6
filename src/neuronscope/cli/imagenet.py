"""``neuronscope imagenet ...``: a real ImageNet network (EfficientNet-Lite, published weights) offline."""

from __future__ import annotations

from pathlib import Path

from .options import command_group

VARIANTS = ("lite0", "lite1", "lite2")


def add_parsers(commands) -> None:
    actions = command_group(commands, "imagenet", "a network trained on ImageNet's million photos: classify photos",
                            cmd_imagenet, "action")
    classify = actions.add_parser("classify", help="the top classes of photos (JPEG, PNG, ...; or china, flower: "
                                                   "scikit-learn's sample photos)")
    classify.add_argument("photos", nargs="+", help="photo files, or china / flower")
    classify.add_argument("--top", type=int, default=5, help="classes shown per photo (default: 5)")
    add_model_options(classify)


def add_model_options(parser) -> None:
    parser.add_argument("--variant", choices=VARIANTS, default="lite0",
                        help="EfficientNet-Lite variant (default: lite0; lite1/lite2 need their weights packages)")
    parser.add_argument("--cache", type=Path, help="where the converted network is kept (default: the cache "
                                                   "folder's imagenet/)")


def cmd_imagenet(args) -> int:
    return {"classify": _classify}[args.action](args)


def _classify(args) -> int:
    from ..imagenet.classifier import classify, efficientnet_lite

    classifier = efficientnet_lite(args.variant, args.cache)
    for photo in args.photos:
        found = classify(classifier, photo, args.top)
        print(f"{photo}:\n{found}")
    return 0
