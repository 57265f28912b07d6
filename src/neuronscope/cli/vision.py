"""``neuronscope convnet|templates|convolve|visualize|dream|attack``: what image models see and want
to see, and how little it takes to fool them."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..choices import CLASS_SCORES, IMAGE_DATASETS
from ..errors import ConfigError
from .options import add_data_options, add_run_options, command_group, device, int_list, progress


def add_parsers(commands) -> None:
    actions = command_group(commands, "convnet", "train a small ConvNet, or write the figures of one", cmd_convnet,
                            "action")
    train = actions.add_parser("train", help="train a ConvNet into a run directory, then write its report")
    add_data_options(train, IMAGE_DATASETS)
    train.add_argument("--channels", type=int_list, default=[16, 32], help="channels of the two conv layers")
    train.add_argument("--kernel", type=int, default=5, choices=(3, 5, 7))
    train.add_argument("--dense", type=int, default=128, help="neurons of the dense layer")
    _add_training_options(train, epochs=3, lr=2e-3)
    train.add_argument("--out", type=Path, default=Path("runs/convnet"))
    report = actions.add_parser("report", help="kernels, feature maps, top images, visualizations, dream, "
                                               "attacks -> RUN/report.html")
    report.add_argument("run", type=Path)
    add_data_options(report, sizes=("test",))
    report.add_argument("--quiet", action="store_true")

    templates = commands.add_parser("templates", help="train a linear classifier and draw each class's template")
    add_data_options(templates, IMAGE_DATASETS)
    templates.add_argument("--loss", choices=("softmax", "svm"), default="softmax",
                           help="softmax regression (cross-entropy) or a multiclass SVM (hinge loss)")
    templates.add_argument("--recipe", choices=tuple(TEMPLATE_RECIPES), default="classic",
                           help="classic (CS231n's: mean image subtracted, SGD with a strong L2 penalty, one color "
                                "stretch shared by all templates) or raw (raw pixels, Adam, weak weight decay, each "
                                "template stretched alone: what skipping the recipe gives)")
    _add_training_options(templates, epochs=None, lr=None, l2=None, batch_size=None)
    templates.add_argument("--out", type=Path, help="run directory (default: runs/templates-DATASET-LOSS)")

    convolve = commands.add_parser("convolve", help="apply a kernel to an image: input, kernel and output")
    convolve.add_argument("--kernel", action="append",
                          help="a classic kernel's name (identity, box-blur, gaussian-blur, sharpen, edges, sobel-x, "
                               "sobel-y, emboss) or rows like '-1,0,1; -2,0,2; -1,0,1' (3x3 or 5x5); repeat for "
                               "more; default: every classic kernel")
    add_data_options(convolve, IMAGE_DATASETS, sizes=("test",))
    convolve.add_argument("--image", type=int, default=0, help="test image index (default: 0)")
    convolve.add_argument("--out", type=Path, default=Path("convolution"), help="folder for the figures")

    visualize = commands.add_parser("visualize", help="optimize images that a class, neuron or channel "
                                                      "responds to most: raw pixels beside regularized")
    visualize.add_argument("run", type=Path, help="a dense-network, ConvNet or linear-classifier run")
    visualize.add_argument("--layer", default=CLASS_SCORES,
                           help="'output' for class scores (default), or a layer name: hidden1, conv1, conv2, fc1...")
    visualize.add_argument("--units", help="comma-separated neurons/channels/classes (default: the first 10)")
    visualize.add_argument("--steps", type=int, default=256)
    visualize.add_argument("--lr", type=float, default=0.1)
    visualize.add_argument("--param", choices=("fourier", "pixel"), default="fourier",
                           help="parameterization of the regularized image (default: fourier)")
    visualize.add_argument("--no-transforms", action="store_true", help="no random jitter/scale/rotation")
    visualize.add_argument("--tv", type=float, default=0.0, help="total-variation penalty weight")
    visualize.add_argument("--l2", type=float, default=0.0, help="L2 penalty weight (distance from gray)")
    visualize.add_argument("--blur-every", type=int, default=0, help="blur pixel images every N steps")
    visualize.add_argument("--diversity", type=float, default=0.0,
                           help="weight of a diversity term: renders --copies images of the first unit that "
                                "differ from each other")
    visualize.add_argument("--copies", type=int, default=4)
    visualize.add_argument("--seed", type=int, default=0)
    visualize.add_argument("--data-dir")
    visualize.add_argument("--out", type=Path, help="PNG file (default: RUN/figures/visualize_LAYER.png)")

    dream = commands.add_parser("dream", help="deep dream: amplify what a layer sees in a test image")
    dream.add_argument("run", type=Path)
    dream.add_argument("--layer", required=True, help="layer to amplify, e.g. conv2")
    dream.add_argument("--image", type=int, default=0, help="test image index (default: 0)")
    dream.add_argument("--octaves", type=int, default=3)
    dream.add_argument("--octave-scale", type=float, default=1.4)
    dream.add_argument("--steps", type=int, default=20, help="steps per octave")
    dream.add_argument("--step-size", type=float, default=0.01)
    dream.add_argument("--seed", type=int, default=0)
    dream.add_argument("--data-dir")
    dream.add_argument("--out", type=Path, help="PNG file (default: RUN/figures/dream_LAYER.png)")

    attack = commands.add_parser("attack", help="adversarial examples (FGSM, PGD), accuracy under attack, "
                                                "fooling images")
    attack.add_argument("run", type=Path)
    attack.add_argument("--epsilon", type=float, help="budget of the shown attacks (default: 0.1 for "
                                                      "grayscale, 2/255 for color)")
    attack.add_argument("--compare", type=Path, nargs="+", default=[], metavar="RUN",
                        help="other runs on the same dataset whose accuracy under attack joins the curve")
    attack.add_argument("--data-dir")
    attack.add_argument("--out", type=Path, help="folder for the figures and attack.json (default: RUN/attack)")
    attack.add_argument("--quiet", action="store_true")

    for parser, handler in ((templates, cmd_templates), (convolve, cmd_convolve), (visualize, cmd_visualize),
                            (dream, cmd_dream), (attack, cmd_attack)):
        parser.set_defaults(handler=handler)

# How the templates are learned. classic reproduces CS231n's figures: centered inputs and SGD with an L2 penalty
# strong enough that each template is close to its class's mean image minus the overall mean.
TEMPLATE_RECIPES = {
    "classic": {"centered": True, "optimizer": "sgd", "lr": 0.01, "l2": 0.3, "epochs": 8, "batch_size": 200},
    "raw": {"centered": False, "optimizer": "adam", "lr": 1e-3, "l2": 1e-4, "epochs": 5, "batch_size": 64},
}


def _add_training_options(p: argparse.ArgumentParser, *, epochs: int | None, lr: float | None, l2: float | None = 0.0,
                          batch_size: int | None = 64) -> None:
    """The training flags; a default of None means "the recipe's" (said in the help)."""
    def default(value) -> str:
        return "the recipe's" if value is None else f"{value:g}"

    p.add_argument("--epochs", type=int, default=epochs, help=f"(default: {default(epochs)})")
    p.add_argument("--lr", type=float, default=lr, help=f"learning rate (default: {default(lr)})")
    p.add_argument("--batch-size", type=int, default=batch_size, help=f"(default: {default(batch_size)})")
    p.add_argument("--l2", type=float, default=l2, help=f"weight decay (default: {default(l2)})")
    p.add_argument("--seed", type=int, default=0)
    add_run_options(p)


def _load(path: Path, data_dir, *, test_size: int | None = None, progress: bool = True):
    from ..runs import IMAGE_KINDS, open_run

    run = open_run(path, kinds=IMAGE_KINDS)
    return run, run.load_test_set(data_dir, test_size=test_size, progress=progress)


def _checked_index(data, index: int) -> int:
    if not 0 <= index < len(data.test_labels):
        raise ConfigError(f"--image must be 0..{len(data.test_labels) - 1}, got {index}")
    return index


def _test_image(data, index: int):
    from ..data.tensors import image_tensor

    index = _checked_index(data, index)
    return image_tensor(data.test_images[index:index + 1])[0]


def _train(args, out: Path, describe: str, make_config, **training):
    """Load ``args.dataset``, train ``make_config(data)`` into ``out`` with the common training options
    (or continue the run there with ``--resume``)."""
    from ..data import load_dataset
    from ..runs import IMAGE_KINDS, open_run, parameter_count, train_run
    from ..training import ModuleTrainConfig

    settings = ModuleTrainConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, seed=args.seed,
                                 l2=args.l2, **training)
    if args.resume:
        existing = open_run(out, kinds=IMAGE_KINDS[1:])
        data, model = existing.load_data(args.data_dir, progress=progress(args)), existing.model.config
    else:
        data = load_dataset(args.dataset, args.data_dir, train_size=args.train_size, test_size=args.test_size,
                            progress=progress(args))
        model = make_config(data)
    print(f"training {describe} ({parameter_count(model):,} weights and biases) on {len(data.train_labels)} "
          f"{data.name} images for {settings.epochs} epochs -> {out}")
    run = train_run(out, data, model, settings, resume=args.resume, overwrite=args.overwrite, device=device(args),
                    progress=progress(args))
    print(f"epoch {run.epoch}: test accuracy {100 * run.test_accuracy:.2f}%")
    run.model.cpu()  # the figures are drawn from CPU tensors
    return run, data


def cmd_convnet(args) -> int:
    from ..experiments.vision import convnet_report
    from ..models import ConvNetConfig
    from ..runs import open_run

    show_progress = progress(args)
    if args.action == "report":
        run = open_run(args.run, kinds=("convnet",))
        data = run.load_test_set(args.data_dir, test_size=args.test_size, progress=show_progress)
    else:
        run, data = _train(args, args.out, f"a ConvNet ({', '.join(map(str, args.channels))} channels)",
                           lambda data: ConvNetConfig(channels=tuple(args.channels), kernel=args.kernel,
                                                      dense=args.dense, image_shape=data.image_shape[:2],
                                                      in_channels=data.tensor_shape[0], classes=data.num_classes))
    if args.action == "train" and args.no_report:
        return 0
    path = convnet_report(run, data, progress=show_progress).write(run.path, progress=show_progress)
    print(f"report:  {path}")
    return 0


def cmd_templates(args) -> int:
    from ..experiments.vision import templates_report
    from ..models import LinearConfig

    recipe = TEMPLATE_RECIPES[args.recipe]
    for name in ("epochs", "lr", "l2", "batch_size"):
        if getattr(args, name) is None:
            setattr(args, name, recipe[name])
    out = args.out or Path("runs") / f"templates-{args.dataset}-{args.loss}"
    run, data = _train(args, out, f"a linear {args.loss} classifier ({args.recipe} recipe)",
                       lambda data: LinearConfig(image_shape=data.image_shape[:2], in_channels=data.tensor_shape[0],
                                                 classes=data.num_classes, centered=recipe["centered"]),
                       loss="cross-entropy" if args.loss == "softmax" else "hinge", optimizer=recipe["optimizer"])
    if args.no_report:
        return 0
    path = templates_report(run, data).write(out, progress=progress(args))
    print(f"templates: {out / 'figures' / 'templates.png'}\nreport:    {path}")
    return 0


def cmd_convolve(args) -> int:
    from ..data import load_dataset
    from ..inspect.convolution import CLASSIC_KERNELS, convolve, parse_kernel
    from ..plot import plot_convolution, save_figure

    data = load_dataset(args.dataset, args.data_dir, test_size=args.test_size, progress=False, splits=("test",))
    image = data.test_images[_checked_index(data, args.image)]
    for i, text in enumerate(args.kernel or list(CLASSIC_KERNELS)):
        kernel = parse_kernel(text)
        key = text.strip().lower()
        name = key if key in CLASSIC_KERNELS else f"custom{i}"
        path = save_figure(plot_convolution(image, kernel, convolve(image, kernel), text.strip()),
                           args.out / f"convolution-{name}.png")
        print(path)
    return 0


def _units(text: str | None, count: int) -> list[int]:
    if not text:
        return list(range(min(10, count)))
    try:
        return [int(u) for u in text.split(",")]
    except ValueError:
        raise ConfigError(f"--units takes comma-separated numbers such as 0,1,2, got {text!r}") from None


def cmd_visualize(args) -> int:
    from ..inspect import featurevis as fv
    from ..inspect.hooks import channel_count, check_image_model, layer_names
    from ..plot import plot_raw_vs_regularized, save_figure

    run, data = _load(args.run, args.data_dir, test_size=1, progress=False)
    shape, layer = data.tensor_shape, args.layer
    if layer == CLASS_SCORES:
        units = _units(args.units, check_image_model(run.model, shape))
        labels = [data.class_names[u] if 0 <= u < data.num_classes else str(u) for u in units]
    else:
        units = _units(args.units, channel_count(run.model, layer, shape))
        labels = [f"{layer}:{u}" for u in units]
    if args.diversity:
        units, labels = [units[0]] * args.copies, [labels[0]] * args.copies
    objective = fv.units(layer, units)
    if args.diversity:
        # style diversity is measured on early features, where "different ways" show
        objective = objective + args.diversity * fv.diversity(layer_names(run.model)[0])
    regularization = fv.Regularization(param=args.param, transforms=not args.no_transforms, total_variation=args.tv,
                                       l2=args.l2, blur_every=args.blur_every)
    raw, regularized = fv.raw_and_regularized(run.model, objective, shape, regularization=regularization,
                                              batch=len(units), steps=args.steps, lr=args.lr, seed=args.seed,
                                              progress=True)
    out = args.out or run.path / "figures" / f"visualize_{layer}.png"
    save_figure(plot_raw_vs_regularized(raw, regularized, labels, f"{run.path.name}: {objective.description}"), out)
    for label, before, free, smooth in zip(labels, raw.start, raw.final, regularized.final):
        print(f"{label:>14}: {before:8.3f} on noise -> {free:8.3f} raw, {smooth:8.3f} regularized")
    print(out)
    return 0


def cmd_dream(args) -> int:
    from ..inspect.dream import dream
    from ..plot import plot_dream, save_figure

    run, data = _load(args.run, args.data_dir, progress=False)
    result = dream(run.model, _test_image(data, args.image), args.layer, octaves=args.octaves,
                   octave_scale=args.octave_scale, steps=args.steps, step_size=args.step_size, seed=args.seed,
                   progress=True)
    out = args.out or run.path / "figures" / f"dream_{args.layer}.png"
    save_figure(plot_dream(result, f"{run.path.name}: dreaming with {args.layer} on test image {args.image}"), out)
    print(f"{args.layer} activation² amplified {result.amplification[-1]:.2f}x over "
          f"{len(result.octave_sizes)} octaves {result.octave_sizes}\n{out}")
    return 0


def cmd_attack(args) -> int:
    from ..experiments.vision import attack_figures
    from ..files import atomic_write_json
    from ..report import write_figures
    from ..runs import IMAGE_KINDS, open_run

    run, data = _load(args.run, args.data_dir, progress=not args.quiet)
    compared = {}
    for path in args.compare:
        other = open_run(path, kinds=IMAGE_KINDS)
        if other.dataset.get("name") != run.dataset.get("name"):
            raise ConfigError(f"{path} was trained on {other.dataset.get('name')}, {args.run} on "
                              f"{run.dataset.get('name')}: compare runs on the same dataset")
        compared[other.path.name] = other.model
    figures, results = attack_figures(run.model, data, run.path.name, args.epsilon, compared)
    out = args.out or run.path / "attack"
    write_figures(figures, out, progress=not args.quiet)
    atomic_write_json(out / "attack.json", results)
    for label, methods in {run.path.name: results["accuracy_under_attack"], **results["compared"]}.items():
        for method, curve in methods.items():
            pairs = ", ".join(f"ε {e:.3g}: {100 * a:.1f}%" for e, a in zip(results["epsilons"], curve))
            print(f"{label} {method.upper():>4} accuracy  {pairs}")
    print(f"fooling images reached {min(results['fooling_confidence']):.3f}+ confidence\n{out}")
    return 0
