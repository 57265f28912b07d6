"""``neuronscope train|demo|serve|figures|report|import-weights``: dense networks and their runs."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..choices import ACTIVATIONS, COSTS, DATASETS, DEFAULT_PRESET, INITS, OPTIMIZERS, OUTPUTS, PRESETS
from ..errors import NeuronscopeError
from .options import (
    add_data_options,
    add_run_options,
    add_serve_options,
    device,
    figure_file,
    int_list,
    progress,
    shape,
)


def add_parsers(commands) -> None:
    train = commands.add_parser("train", help="train a network into a run directory, then write its figures and report")
    train.add_argument("--preset", choices=PRESETS, default=DEFAULT_PRESET,
                       help=f"starting hyperparameters (default: {DEFAULT_PRESET}); flags below override them")
    add_data_options(train, DATASETS)
    train.add_argument("--layers", type=int_list, help="layer sizes from input to output, e.g. 784,30,10")
    train.add_argument("--activation", choices=ACTIVATIONS, help="hidden-layer activation")
    train.add_argument("--output", choices=OUTPUTS, help="output layer (default follows the loss)")
    train.add_argument("--loss", "--cost", dest="loss", choices=COSTS, help="cost function")
    train.add_argument("--init", choices=INITS, help="normal: N(0,1); scaled: N(0,1)/sqrt(fan_in)")
    train.add_argument("--optimizer", choices=OPTIMIZERS)
    train.add_argument("--lr", type=float, help="learning rate")
    train.add_argument("--batch-size", type=int)
    train.add_argument("--epochs", type=int)
    train.add_argument("--l2", type=float,
                       help="L2 strength lambda; the cost gains lambda/(2n) * sum of squared weights")
    train.add_argument("--seed", type=int)
    train.add_argument("--out", type=Path, help="run directory (default: runs/PRESET-DATASET-TIMESTAMP)")
    train.add_argument("--snapshots", action="store_true",
                       help="keep the weights of every epoch (RUN/snapshots/) for the lab's time-lapse scrubber and "
                            "the report's animation; 784-16-16-10 takes 52 KB per epoch")
    add_run_options(train)
    train.set_defaults(handler=cmd_train)

    demo = commands.add_parser("demo", help="train the default network (once), write its report, open the lab")
    add_data_options(demo)
    demo.add_argument("--out", type=Path, default=Path("runs/demo"), help="run directory (default: runs/demo)")
    add_serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="only train and write the report")
    demo.set_defaults(handler=cmd_demo)

    serve = commands.add_parser("serve", help="open the web lab on a run or a folder of runs")
    serve.add_argument("path", type=Path, help="a run directory, or a folder holding runs")
    serve.add_argument("--data-dir", help="where dataset files are (default: where each run found them)")
    add_serve_options(serve)
    serve.set_defaults(handler=cmd_serve)

    figures = commands.add_parser("figures", help="write a dense network's figures as PNG (or SVG) files")
    figures.add_argument("run", type=Path)
    add_data_options(figures, sizes=("test",))
    figures.add_argument("--out", type=Path, help="folder for the figures (default: RUN/figures)")
    figures.add_argument("--format", default="png", help="comma-separated: png, svg (default: png)")
    figures.set_defaults(handler=cmd_figures)

    maps = commands.add_parser("map", help="a map of a layer's activation space: the test images placed by PCA, "
                                           "t-SNE or UMAP of their activations (dense networks and ConvNets)")
    maps.add_argument("run", type=Path)
    add_data_options(maps, sizes=("test",))
    maps.add_argument("--layer", action="append", help="a layer to map (repeatable; default: every hidden layer)")
    maps.add_argument("--method", default="pca,tsne",
                      help="comma-separated: pca, tsne, umap (umap needs umap-learn) (default: pca,tsne)")
    maps.add_argument("--points", type=int, default=1000, help="test images placed on each map (default: 1000)")
    maps.add_argument("--seed", type=int, default=0)
    maps.add_argument("--out", type=Path, help="PNG (or .svg) file (default: RUN/figures/map.png)")
    maps.set_defaults(handler=cmd_map)

    report = commands.add_parser("report", help="write a dense network's self-contained report.html")
    report.add_argument("run", type=Path)
    add_data_options(report, sizes=("test",))
    report.add_argument("--out", type=Path, help="HTML file (default: RUN/report.html)")
    report.add_argument("--redraw", action="store_true",
                        help="draw every figure again (by default PNGs in RUN/figures written after the run's "
                             "last checkpoint are reused)")
    report.set_defaults(handler=cmd_report)

    export = commands.add_parser("export", help="write a dense network's lab as one HTML file that works offline")
    export.add_argument("run", type=Path)
    export.add_argument("--out", type=Path, help="HTML file (default: RUN/lab.html)")
    export.add_argument("--samples", type=int, default=300, help="test images to include (default: 300)")
    export.add_argument("--data-dir", help="where dataset files are (default: where the run found them)")
    export.set_defaults(handler=cmd_export)

    imp = commands.add_parser("import-weights", help="make a run from NumPy arrays w0, b0, w1, b1, ... (out, in)")
    imp.add_argument("file", type=Path, help=".npz file")
    imp.add_argument("--out", type=Path, required=True, help="run directory to create")
    imp.add_argument("--activation", choices=ACTIVATIONS, default="sigmoid")
    imp.add_argument("--output", choices=OUTPUTS, default="sigmoid")
    imp.add_argument("--image-shape", type=shape, help="HEIGHT,WIDTH of an input (default: square)")
    imp.add_argument("--dataset", choices=DATASETS, help="dataset to evaluate on (default: by input size)")
    imp.add_argument("--overwrite", action="store_true")
    imp.set_defaults(handler=cmd_import_weights)


def _default_out(preset: str, dataset: str) -> Path:
    return Path("runs") / f"{preset}-{dataset}-{dt.datetime.now():%Y%m%d-%H%M%S}"


def cmd_train(args) -> int:
    from ..data import load_dataset
    from ..runs import DENSE_KINDS, open_run, parameter_count, train_run
    from ..training import build_configs

    out = args.out or _default_out(args.preset, args.dataset)
    if args.resume:
        if not args.out:
            raise NeuronscopeError("--resume needs --out RUN, the run to continue")
        existing = open_run(out, kinds=DENSE_KINDS)
        data = existing.load_data(args.data_dir, progress=progress(args))
        model_config, training = existing.model.config, existing.training
        if args.epochs:
            training = type(training).from_json({**training.to_json(), "epochs": args.epochs})
    else:
        if args.dataset == "cifar10":
            raise NeuronscopeError("dense networks take grayscale images; for cifar10 use `neuronscope templates "
                                   "--dataset cifar10` or `neuronscope convnet train --dataset cifar10`")
        data = load_dataset(args.dataset, args.data_dir, train_size=args.train_size, test_size=args.test_size,
                            progress=progress(args))
        model_config, training = build_configs(
            input_size=data.input_size, num_classes=data.num_classes, image_shape=data.image_shape,
            preset=args.preset, layers=args.layers, activation=args.activation, output=args.output,
            loss=args.loss, init=args.init, optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size,
            epochs=args.epochs, l2=args.l2, seed=args.seed)
    print(f"training {'-'.join(map(str, model_config.layers))} ({parameter_count(model_config):,} weights and "
          f"biases) on {len(data.train_labels)} {data.name} images for {training.epochs} epochs -> {out}")
    try:
        run = train_run(out, data, model_config, training, resume=args.resume, overwrite=args.overwrite,
                        snapshots=args.snapshots, device=device(args), progress=progress(args))
    except KeyboardInterrupt:
        print(f"\ninterrupted; the last completed epoch is saved in {out}. "
              f"Continue with: neuronscope train --resume --out {out}", file=sys.stderr)
        return 130
    print(f"epoch {run.epoch}: test accuracy {100 * run.test_accuracy:.2f}%")
    from ..experiments.dense import health_hints

    for hint in health_hints(run, lambda: data):
        print(f"hint ({hint['layer']}): {hint['message']}")
    if not args.no_report:
        _write_outputs(run, data, progress(args))
    return 0


def _write_outputs(run, data, show_progress: bool, formats=("png",), figures_dir: Path | None = None,
                   report_path: Path | None = None) -> None:
    from ..experiments.dense import health_hints, run_figures
    from ..report import write_figures, write_report

    figures = run_figures(run, data)
    write_figures(figures, figures_dir or run.path / "figures", formats, progress=show_progress)
    report = write_report(run, figures, run.dataset, report_path, hints=health_hints(run, lambda: data))
    print(f"figures: {figures_dir or run.path / 'figures'}\nreport:  {report}")


def _open_dense_run_and_data(args):
    from ..runs import DENSE_KINDS, open_run

    run = open_run(args.run, kinds=DENSE_KINDS, as_arrays=True)
    return run, run.load_test_set(args.data_dir, test_size=args.test_size, progress=False)


def cmd_figures(args) -> int:
    from ..experiments.dense import run_figures
    from ..experiments.parallel import default_workers
    from ..report import write_figures

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad or not formats:
        raise NeuronscopeError(f"unknown figure format {', '.join(bad) or args.format!r}; use png and/or svg")
    run, data = _open_dense_run_and_data(args)
    out = args.out or run.path / "figures"
    paths = write_figures(run_figures(run, data), out, formats, workers=default_workers())
    print(f"wrote {len(paths)} figures to {out}")
    return 0


def cmd_map(args) -> int:
    from ..inspect.activation_map import METHODS, activation_map
    from ..plot import save_figure
    from ..plot.activation_map import map_title, plot_activation_maps
    from ..runs import IMAGE_KINDS, open_run

    methods = [m.strip().lower() for m in args.method.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise NeuronscopeError(f"unknown map method {', '.join(unknown) or args.method!r}; use {', '.join(METHODS)}")
    out = figure_file(args.out or args.run / "figures" / "map.png")
    run = open_run(args.run, kinds=IMAGE_KINDS)
    names = run.model.config.layer_names
    layers = args.layer or names[:-1] or names
    data = run.load_test_set(args.data_dir, test_size=args.test_size, progress=False)
    maps = [activation_map(run.model, data.test_images, data.test_labels, layer, method=method, points=args.points,
                           seed=args.seed) for layer in layers for method in methods]
    for activation_map_ in maps:
        print(f"  {map_title(activation_map_)}: {len(activation_map_.coords)} test images")
    figure = plot_activation_maps(maps, data.test_images, data.class_names, columns=len(methods))
    print(f"map: {save_figure(figure, out)}")
    return 0


def cmd_report(args) -> int:
    from ..experiments.dense import health_hints, run_figures
    from ..experiments.parallel import default_workers
    from ..report import draw_figures, reuse_written, write_report
    from ..runs import CONFIG, DENSE_KINDS, MODEL, open_run

    run = open_run(args.run, kinds=DENSE_KINDS, as_arrays=True)
    figures = run_figures(run, lambda: run.load_test_set(args.data_dir, test_size=args.test_size, progress=False))
    if not args.redraw and args.test_size is None:
        reuse_written(figures, run.path / "figures", newer_than=[run.path / MODEL, run.path / CONFIG])
    draw_figures(figures, progress=False, workers=default_workers())
    hints = health_hints(run, lambda: run.load_data(args.data_dir, progress=False))
    print(f"report: {write_report(run, figures, run.dataset, args.out, hints=hints)}")
    return 0


def cmd_demo(args) -> int:
    run_path = _demo_run(args)
    if args.no_serve:
        return 0
    args.path = run_path
    return cmd_serve(args)


def _demo_run(args) -> Path:
    """The demo's trained run, training it first if needed: on MNIST, or, when MNIST is neither here
    nor downloadable, on scikit-learn's built-in 8x8 digits so that the demo always ends in a lab."""
    from ..data import load_dataset
    from ..data.roots import cache_dir
    from ..errors import DownloadError
    from ..runs import train_run
    from ..training import build_configs

    if _reuse_demo_run(args.out, args.data_dir):
        return args.out
    try:
        data = load_dataset("mnist", args.data_dir, train_size=args.train_size, test_size=args.test_size)
    except DownloadError:
        fallback = args.out.with_name(f"{args.out.name}-digits")
        print(f"MNIST is not on this machine and could not be downloaded; put its four IDX files "
              f"(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
              f"t10k-labels-idx1-ubyte.gz) in {cache_dir() / 'mnist'} or $NEURONSCOPE_DATA, then run the demo "
              f"again. Meanwhile: scikit-learn's built-in 8x8 digits, in {fallback}.", file=sys.stderr)
        if _reuse_demo_run(fallback, None):
            return fallback
        data = load_dataset("digits")
        configs = build_configs(input_size=64, num_classes=10, image_shape=(8, 8), preset=DEFAULT_PRESET,
                                layers=[64, 16, 16, 10])
        print(f"training a 64-16-16-10 network on {len(data.train_labels)} 8x8 digits -> {fallback}")
        run = train_run(fallback, data, *configs, snapshots=True)
    else:
        print(f"training the default 784-16-16-10 network on {len(data.train_labels)} MNIST images -> {args.out}")
        run = train_run(args.out, data, snapshots=True)
    print(f"test accuracy {100 * run.test_accuracy:.2f}%")
    _write_outputs(run, data, show_progress=True)
    return run.path


def _reuse_demo_run(path: Path, data_dir) -> bool:
    from ..runs import CONFIG, DENSE_KINDS, open_run

    if not (path / CONFIG).exists():
        return False
    run = open_run(path, kinds=DENSE_KINDS)
    print(f"using the trained network in {path}")
    if not (path / "report.html").exists():
        _write_outputs(run, run.load_test_set(data_dir), show_progress=True)
    return True


def cmd_serve(args) -> int:
    from ..runs import run_kind
    from ..web.app import runs_dir_for, serve_lab

    runs_dir, selected = runs_dir_for(args.path)
    pages = {"char-rnn": "text", "convnet": "vision", "linear": "vision"}
    page = pages.get(run_kind(runs_dir / selected), "") if selected else ""
    url = f"http://{args.host}:{args.port}/{page}" + (f"?run={selected}" if selected else "")
    serve_lab(runs_dir, args.data_dir, args.host, args.port,
              f"neuronscope lab: {url}  (serving runs in {runs_dir}; Ctrl-C stops)")
    return 0


def cmd_export(args) -> int:
    from ..web.export import export_lab

    out = export_lab(args.run, args.out or args.run / "lab.html", data_dir=args.data_dir, samples=args.samples)
    print(f"lab: {out} ({out.stat().st_size / 1e6:.2f} MB; open it in a browser, no server needed)")
    return 0


def cmd_import_weights(args) -> int:
    from ..runs import import_weights

    run = import_weights(args.file, args.out, activation=args.activation, output=args.output,
                         image_shape=args.image_shape, dataset=args.dataset, overwrite=args.overwrite)
    print(f"imported a {'-'.join(map(str, run.model.config.layers))} network into {run.path}")
    return 0
