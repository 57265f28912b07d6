"""``neuronscope imagenet ...``: a real ImageNet network (EfficientNet-Lite, published weights) offline."""

from __future__ import annotations

from pathlib import Path

from ..choices import ATLAS_LAYERS, DREAM_LAYER, IMAGENET_VARIANTS
from .options import command_group, figure_file

SAMPLES = "china, flower (scikit-learn); astronaut, chelsea, coffee, rocket, motorcycle (scikit-image)"


def add_parsers(commands) -> None:
    actions = command_group(commands, "imagenet", "a network trained on ImageNet's million photos: classify photos",
                            cmd_imagenet, "action")
    classify = actions.add_parser("classify", help="the top classes of photos (JPEG, PNG, ...; or a sample photo's "
                                                   "name)")
    classify.add_argument("photos", nargs="+", help=f"photo files, or sample photos: {SAMPLES}")
    classify.add_argument("--top", type=int, default=5, help="classes shown per photo (default: 5)")
    add_model_options(classify)

    visualize = actions.add_parser("visualize", help="what a class looks like to the network: rendered from noise, "
                                                     "raw pixels beside the regularized (Lucid) recipe")
    visualize.add_argument("classes", nargs="+", help="class names (banana, goldfish, ...) or numbers")
    visualize.add_argument("--steps", type=int, default=512)
    visualize.add_argument("--size", type=int, default=224, help="image side in pixels (default: 224)")
    visualize.add_argument("--seed", type=int, default=0)
    visualize.add_argument("--out", type=Path, default=Path("imagenet/classes.png"))
    add_model_options(visualize)

    attack = actions.add_parser("attack", help="push a photo toward any class by an invisible change (targeted PGD)")
    attack.add_argument("photo", help=f"a photo file, or a sample photo: {SAMPLES}")
    attack.add_argument("--target", help="the class to push it toward (ostrich, goldfish, ...); without one, away "
                                         "from the class it has")
    attack.add_argument("--epsilon", type=float, default=2.0,
                        help="largest change per pixel, in levels of 0..255 (default: 2)")
    attack.add_argument("--steps", type=int, default=10)
    attack.add_argument("--out", type=Path, default=Path("imagenet/attack.png"))
    add_model_options(attack)

    atlas = actions.add_parser("atlas", help="the layer hierarchy: channels at several depths rendered from noise, "
                                             "each beside the photo crops that excite it most")
    atlas.add_argument("--layers", default=",".join(ATLAS_LAYERS),
                       help=f"comma-separated layers, shallow to deep (default: {','.join(ATLAS_LAYERS)})")
    atlas.add_argument("--channels", type=int, default=6, help="channels per layer (default: 6, those responding "
                                                               "most to the photos)")
    atlas.add_argument("--photos", nargs="+", help="photos to find examples in (default: every sample photo)")
    atlas.add_argument("--size", type=int, default=128, help="rendering side in pixels (default: 128)")
    atlas.add_argument("--steps", type=int, default=256)
    atlas.add_argument("--seed", type=int, default=0)
    atlas.add_argument("--workers", type=int, default=1, help="layers rendered side by side in this many processes")
    atlas.add_argument("--ray", metavar="ADDRESS", help="render layers as tasks on a Ray cluster ('local': one here)")
    atlas.add_argument("--out", type=Path, default=Path("imagenet/atlas.png"))
    add_model_options(atlas)

    robustness = actions.add_parser("robustness", help="untargeted attacks on photos at growing budgets: how many "
                                                       "keep their class")
    robustness.add_argument("photos", nargs="*", help="photo files or sample photos (default: every sample photo)")
    robustness.add_argument("--epsilons", default="0,0.05,0.1,0.2,0.5,1,2",
                            help="budgets in pixel levels of 255, comma-separated (default: 0,0.05,0.1,0.2,0.5,1,2)")
    robustness.add_argument("--steps", type=int, default=10)
    robustness.add_argument("--out", type=Path, default=Path("imagenet/robustness.png"))
    add_model_options(robustness)

    dream = actions.add_parser("dream", help="DeepDream photos at a layer, octave by octave, and count the dog "
                                             "breeds the network then sees")
    dream.add_argument("photos", nargs="*", help="photo files or sample photos (default: every sample photo)")
    dream.add_argument("--layer", default=DREAM_LAYER, help=f"the layer to dream at (default: {DREAM_LAYER})")
    dream.add_argument("--octaves", type=int, default=4)
    dream.add_argument("--steps", type=int, default=20, help="steps per octave (default: 20)")
    dream.add_argument("--size", type=int, default=448, help="the dream's longer side in pixels (default: 448)")
    dream.add_argument("--seed", type=int, default=0)
    dream.add_argument("--out", type=Path, default=Path("imagenet/dream.png"),
                       help="figure path; with several photos, one figure each (dream-PHOTO.png) and the dog "
                            "count (dream-dogs.png) beside it")
    add_model_options(dream)

    style = actions.add_parser("style", help="a photo in the style of a painting (Gatys), with plain and "
                                             "softmax-smoothed Gram matrices side by side")
    style.add_argument("content", help=f"the content photo: a file, or a sample photo: {SAMPLES}")
    style.add_argument("--style", default="swirls", help="the style image: a file (a painting), a sample photo, or "
                                                          "swirls (brush strokes made here; the default)")
    style.add_argument("--smoothing", choices=("both", "none", "softmax"), default="both",
                       help="Gram matrices of the plain activations, of softmax-smoothed ones, or both (default)")
    style.add_argument("--size", type=int, default=256, help="the longer side in pixels (default: 256)")
    style.add_argument("--steps", type=int, default=300, help="loss evaluations (default: 300)")
    style.add_argument("--style-weight", type=float, default=100.0,
                       help="style loss against content loss (default: 100)")
    style.add_argument("--out", type=Path, default=Path("imagenet/style.png"))
    add_model_options(style)

    fool = actions.add_parser("fool", help="noise the network is sure is a class (default goldfish)")
    fool.add_argument("classes", nargs="*", default=["goldfish"])
    fool.add_argument("--confidence", type=float, default=0.99)
    fool.add_argument("--seed", type=int, default=0)
    fool.add_argument("--out", type=Path, default=Path("imagenet/fooling.png"))
    add_model_options(fool)


def add_model_options(parser) -> None:
    parser.add_argument("--variant", choices=IMAGENET_VARIANTS, default="lite0",
                        help="EfficientNet-Lite variant (default: lite0; lite1/lite2 need their weights packages)")
    parser.add_argument("--cache", type=Path, help="where the converted network is kept (default: the cache "
                                                   "folder's imagenet/)")


def cmd_imagenet(args) -> int:
    if hasattr(args, "out"):
        figure_file(args.out)  # a wrong suffix is refused before minutes of rendering, not after
    actions = {"classify": _classify, "visualize": _visualize, "atlas": _atlas, "robustness": _robustness,
               "dream": _dream, "style": _style, "attack": _attack, "fool": _fool}
    return actions[args.action](args)


def _classify(args) -> int:
    from ..imagenet.classifier import classify, efficientnet_lite

    classifier = efficientnet_lite(args.variant, args.cache)
    for photo in args.photos:
        found = classify(classifier, photo, args.top)
        print(f"{photo}:\n{found}")
    return 0


def _visualize(args) -> int:
    from ..imagenet.classifier import efficientnet_lite
    from ..imagenet.looking import class_views
    from ..plot import save_figure
    from ..plot.imagenet import plot_class_views

    classifier = efficientnet_lite(args.variant, args.cache)
    views = class_views(classifier, args.classes, size=args.size, steps=args.steps, seed=args.seed, progress=True)
    for view in views:
        print(f"{view.name:<24} raw {100 * view.raw_probability:5.1f}%   regularized "
              f"{100 * view.regularized_probability:5.1f}%")
    print(f"{views[0].seconds:.1f} s per class; figure: {save_figure(plot_class_views(views), args.out)}")
    return 0


def _photos_at_hand(photos: list[str]) -> tuple[list[str], list]:
    """The photos named (every sample photo when none is), opened before any work so a bad file is
    refused at once, with their names for figures."""
    from ..imagenet.photos import open_photo, photo_name, sample_photos

    photos = photos or sample_photos()
    return [photo_name(photo) for photo in photos], [open_photo(photo) for photo in photos]


def _dream(args) -> int:
    from ..imagenet.classifier import efficientnet_lite
    from ..imagenet.looking import dream_photo
    from ..plot import save_figure
    from ..plot.imagenet import plot_dog_census, plot_photo_dream

    names, opened = _photos_at_hand(args.photos)
    classifier = efficientnet_lite(args.variant, args.cache)
    results = []
    for name, photo in zip(names, opened):
        result = dream_photo(classifier, photo, args.layer, size=args.size, octaves=args.octaves, steps=args.steps,
                             seed=args.seed, progress=True)
        results.append(result)
        shares = " -> ".join(f"{100 * s:.0f}%" for s in (result.dog_share_before, *result.dog_share_after_octave))
        out = args.out if len(names) == 1 else args.out.with_name(f"{args.out.stem}-{name}{args.out.suffix}")
        print(f"{name}: {result.seconds:.1f} s; dog breeds in the top-5 by octave {shares}; now "
              f"{result.after_octave[-1][0][0]} ({100 * result.after_octave[-1][0][1]:.0f}%)")
        print(f"  figure: {save_figure(plot_photo_dream(result), out)}")
    if len(results) > 1:
        mean = sum(r.dog_share_after_octave[-1] for r in results) / len(results)
        census = args.out.with_name(f"{args.out.stem}-dogs{args.out.suffix}")
        print(f"dog breeds in the top-5 after the last octave, over {len(results)} photos: {100 * mean:.0f}% "
              f"(before: {100 * sum(r.dog_share_before for r in results) / len(results):.0f}%; a random top-5: 12%)")
        print(f"figure: {save_figure(plot_dog_census(names, results), census)}")
    return 0


def _style(args) -> int:
    from ..imagenet.classifier import efficientnet_lite
    from ..imagenet.photos import open_photo
    from ..imagenet.style import open_style, transfer_style
    from ..plot import save_figure
    from ..plot.imagenet import SMOOTHING_NAMES, plot_style_transfers

    content, style = open_photo(args.content), open_style(args.style, args.size)  # bad files fail first
    classifier = efficientnet_lite(args.variant, args.cache)
    results = []
    for smoothing in ("none", "softmax") if args.smoothing == "both" else (args.smoothing,):
        result = transfer_style(classifier, content, style, size=args.size, smoothing=smoothing, steps=args.steps,
                                style_weight=args.style_weight, progress=True)
        print(f"{SMOOTHING_NAMES[smoothing]}: style loss {result.style_loss_fall:.1f}x lower, content loss "
              f"{result.content_loss[-1]:.2f}, {result.seconds:.1f} s")
        results.append(result)
    print(f"figure: {save_figure(plot_style_transfers(results), args.out)}")
    return 0


def _atlas(args) -> int:
    import time

    from ..imagenet.atlas import layer_atlas
    from ..imagenet.classifier import efficientnet_lite, imagenet_run
    from ..plot import save_figure
    from ..plot.imagenet import plot_atlas

    layers = [layer.strip() for layer in args.layers.split(",") if layer.strip()]
    classifier = efficientnet_lite(args.variant, args.cache)
    started = time.perf_counter()

    def report(row):
        how = "its kernels" if row.kernels else "kept from before" if row.reused else "rendered"
        print(f"{row.layer:<10} channels {', '.join(map(str, row.channels))} ({how}, "
              f"{time.perf_counter() - started:.0f} s)", flush=True)

    atlas = layer_atlas(classifier, layers, channels=args.channels, photos=args.photos, size=args.size,
                        steps=args.steps, seed=args.seed, folder=imagenet_run(args.variant, args.cache) / "atlas",
                        workers=args.workers, ray_address=args.ray, on_layer=report)
    print(f"{atlas.seconds:.0f} s; figure: {save_figure(plot_atlas(atlas), args.out)}")
    return 0


def _robustness(args) -> int:
    from ..errors import ConfigError
    from ..imagenet.classifier import efficientnet_lite
    from ..imagenet.looking import attack_curve
    from ..plot import save_figure
    from ..plot.imagenet import plot_attack_curve

    try:
        levels = [float(level) for level in args.epsilons.split(",") if level.strip()]
    except ValueError:
        raise ConfigError(f"epsilons are numbers of pixel levels, such as 0,0.5,1,2; got {args.epsilons!r}") from None
    if not levels or not all(0 <= level <= 64 for level in levels):  # NaN fails this too
        raise ConfigError(f"epsilons are pixel levels from 0 to 64 of 255, got {args.epsilons!r}")
    names, opened = _photos_at_hand(args.photos)
    classifier = efficientnet_lite(args.variant, args.cache)
    curve = attack_curve(classifier, opened, [level / 255 for level in levels], steps=args.steps, names=names)
    for level, kept in zip(levels, curve.kept):
        print(f"±{level:g}/255: {100 * kept:.0f}% of {len(names)} photos keep their class")
    print(f"figure: {save_figure(plot_attack_curve(curve), args.out)}")
    return 0


def _attack(args) -> int:
    import math

    from ..errors import ConfigError
    from ..imagenet.classifier import efficientnet_lite
    from ..imagenet.looking import photo_attack
    from ..plot import save_figure
    from ..plot.imagenet import plot_photo_attack

    if not (math.isfinite(args.epsilon) and 0 < args.epsilon <= 64):
        raise ConfigError(f"epsilon is in pixel levels, 0 to 64 of 255, got {args.epsilon}")
    classifier = efficientnet_lite(args.variant, args.cache)
    result = photo_attack(classifier, args.photo, args.target, epsilon=args.epsilon / 255, steps=args.steps)
    name, p = result.after[0]
    verdict = ("reached" if result.reached else "not reached") if result.target else \
        ("changed" if result.reached else "unchanged")
    print(f"before: {result.before[0][0]} {100 * result.before[0][1]:.1f}%; after changing each pixel by at most "
          f"{args.epsilon:g}/255: {name} {100 * p:.1f}% ({verdict})")
    print(f"figure: {save_figure(plot_photo_attack(result), args.out)}")
    return 0


def _fool(args) -> int:
    from ..imagenet.classifier import efficientnet_lite
    from ..imagenet.looking import fool
    from ..plot import save_figure
    from ..plot.attacks import plot_fooling_images

    classifier = efficientnet_lite(args.variant, args.cache)
    fooled = [fool(classifier, name, confidence=args.confidence, seed=args.seed) for name in args.classes]
    for image in fooled:
        print(f"{classifier.class_names[image.target]}: {100 * image.confidence:.2f}% after {image.steps} steps")
    figure = plot_fooling_images(fooled, classifier.class_names, tile=2.4)
    print(f"figure: {save_figure(figure, args.out)}")
    return 0

