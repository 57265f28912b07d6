"""The command line: parses arguments, calls the library, prints. Errors become one line, no traceback."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import __version__
from .data import DATASETS, load_dataset
from .cli_basics import add_basics_parser, cmd_basics
from .cli_text import add_text_parser, cmd_text
from .cli_vision import VISION_COMMANDS, add_vision_parsers
from .errors import NeuronscopeError
from .models import ACTIVATIONS, INITS, OUTPUTS
from .train import COSTS, DEFAULT_PRESET, OPTIMIZERS, PRESETS, build_configs


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated whole numbers such as 784,30,10, got {text!r}") from None
    return values


def _shape(text: str) -> tuple[int, int]:
    values = _int_list(text)
    if len(values) != 2:
        raise argparse.ArgumentTypeError(f"expected HEIGHT,WIDTH such as 28,28, got {text!r}")
    return tuple(values)


def _add_data_options(p: argparse.ArgumentParser, dataset: bool = True) -> None:
    if dataset:
        p.add_argument("--dataset", choices=DATASETS, default="mnist", help="training data (default: mnist)")
    p.add_argument("--data-dir", help="where dataset files are (default: $NEURONSCOPE_DATA, then ~/.cache/neuronscope)")
    p.add_argument("--train-size", type=int, help="use only the first N training images")
    p.add_argument("--test-size", type=int, help="use only the first N test images")


def _add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neuronscope", description="Train small networks and see what they learn.")
    parser.add_argument("--version", action="version", version=f"neuronscope {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = commands.add_parser("train", help="train a network into a run directory, then write its figures and report")
    train.add_argument("--preset", choices=PRESETS, default=DEFAULT_PRESET,
                       help=f"starting hyperparameters (default: {DEFAULT_PRESET}); flags below override them")
    _add_data_options(train)
    train.add_argument("--layers", type=_int_list, help="layer sizes from input to output, e.g. 784,30,10")
    train.add_argument("--activation", choices=ACTIVATIONS, help="hidden-layer activation")
    train.add_argument("--output", choices=OUTPUTS, help="output layer (default follows the cost)")
    train.add_argument("--cost", choices=COSTS)
    train.add_argument("--init", choices=INITS, help="normal: N(0,1); scaled: N(0,1)/sqrt(fan_in)")
    train.add_argument("--optimizer", choices=OPTIMIZERS)
    train.add_argument("--lr", type=float, help="learning rate")
    train.add_argument("--batch-size", type=int)
    train.add_argument("--epochs", type=int)
    train.add_argument("--l2", type=float,
                       help="L2 strength lambda; the cost gains lambda/(2n) * sum of squared weights")
    train.add_argument("--seed", type=int)
    train.add_argument("--out", type=Path, help="run directory (default: runs/PRESET-DATASET-TIMESTAMP)")
    train.add_argument("--resume", action="store_true", help="continue the run in --out from its last saved epoch")
    train.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    train.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    train.add_argument("--no-report", action="store_true", help="skip writing figures and report.html")
    train.add_argument("--quiet", action="store_true", help="no progress bars")

    demo = commands.add_parser("demo", help="train the default network (once), write its report, open the lab")
    _add_data_options(demo, dataset=False)
    demo.add_argument("--out", type=Path, default=Path("runs/demo"), help="run directory (default: runs/demo)")
    _add_serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="only train and write the report")

    serve = commands.add_parser("serve", help="open the web lab on a run or a folder of runs")
    serve.add_argument("path", type=Path, help="a run directory, or a folder holding runs")
    serve.add_argument("--data-dir", help="where dataset files are (for test digits and the gallery)")
    _add_serve_options(serve)

    figures = commands.add_parser("figures", help="write a run's figures as PNG (or SVG) files")
    figures.add_argument("run", type=Path)
    _add_data_options(figures, dataset=False)
    figures.add_argument("--out", type=Path, help="folder for the figures (default: RUN/figures)")
    figures.add_argument("--format", default="png", help="comma-separated: png, svg (default: png)")

    report = commands.add_parser("report", help="write a run's self-contained report.html")
    report.add_argument("run", type=Path)
    _add_data_options(report, dataset=False)
    report.add_argument("--out", type=Path, help="HTML file (default: RUN/report.html)")

    _add_experiment_parsers(commands)
    add_basics_parser(commands, _int_list, _add_serve_options)
    add_text_parser(commands)
    add_vision_parsers(commands, _add_data_options, _int_list)

    imp = commands.add_parser("import-weights", help="make a run from NumPy arrays w0, b0, w1, b1, ... (out, in)")
    imp.add_argument("file", type=Path, help=".npz file")
    imp.add_argument("--out", type=Path, required=True, help="run directory to create")
    imp.add_argument("--activation", choices=ACTIVATIONS, default="sigmoid")
    imp.add_argument("--output", choices=OUTPUTS, default="sigmoid")
    imp.add_argument("--image-shape", type=_shape, help="HEIGHT,WIDTH of an input (default: square)")
    imp.add_argument("--dataset", choices=DATASETS, help="dataset to evaluate on (default: by input size)")
    imp.add_argument("--overwrite", action="store_true")
    return parser


def _add_experiment_parsers(commands) -> None:
    experiment = commands.add_parser("experiment", help="reproduce a study end to end and write its report")
    studies = experiment.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT")

    def study(name: str, help: str, trains: bool) -> argparse.ArgumentParser:
        p = studies.add_parser(name, help=help, description=help)
        p.add_argument("--out", type=Path, help=f"folder for the report and runs (default: experiments/{name})")
        p.add_argument("--quiet", action="store_true", help="no progress bars")
        if trains:
            _add_data_options(p)
            p.add_argument("--workers", type=int, help="processes on this machine (default: one per core)")
            p.add_argument("--ray", metavar="ADDRESS", help="run on the Ray cluster at ADDRESS ('local' starts one "
                                                          "here) instead of local processes")
        else:
            p.add_argument("--data-dir", help="where dataset files are")
        return p

    sweep = study("hidden-sweep", "accuracy against the number of hidden neurons, over seeds", trains=True)
    sweep.add_argument("--sizes", type=_int_list, default=[1, 2, 3, 4, 5, 10, 20, 30, 100],
                       help="hidden sizes (default: 1,2,3,4,5,10,20,30,100)")
    sweep.add_argument("--seeds", type=int, default=3, help="seeds per size (default: 3)")
    sweep.add_argument("--setups", default="classic,modern",
                       help="classic (preset nielsen) and/or modern (preset modern); default: both")
    sweep.add_argument("--epochs", type=int, help="override the setups' epochs (default: 30 classic, 10 modern)")

    init = study("init-vs-regularization", "N(0,1) init without L2 against scaled init with L2: accuracy and "
                 "matched neurons", trains=True)
    init.add_argument("--hidden", type=int, default=30, help="hidden neurons (default: 30)")
    init.add_argument("--epochs", type=int, default=30)
    init.add_argument("--lr", type=float, default=0.5)
    init.add_argument("--l2", type=float, default=5.0, help="L2 strength of the regularized run (default: 5)")
    init.add_argument("--seed", type=int, default=0)

    noise = study("noise", "how sure a trained network is about pure noise", trains=False)
    noise.add_argument("run", type=Path)
    noise.add_argument("--images", type=int, default=10_000, help="noise images of each kind (default: 10000)")
    noise.add_argument("--seed", type=int, default=0)

    robust = study("robustness", "accuracy on shifted and zoomed test digits, for one or more runs", trains=False)
    robust.add_argument("runs", type=Path, nargs="+")
    robust.add_argument("--max-shift", type=int, default=6, help="largest shift in pixels (default: 6)")
    robust.add_argument("--test-size", type=int, help="use only the first N test images")

    morph = study("morph", "slide one test digit into another and find where the answer flips", trains=False)
    morph.add_argument("run", type=Path)
    morph.add_argument("--from", dest="source", type=int, default=3, help="class to start from (default: 3)")
    morph.add_argument("--to", dest="target", type=int, default=8, help="class to end at (default: 8)")
    morph.add_argument("--steps", type=int, default=41)
    morph.add_argument("--index-a", type=int, help="test image to start from instead of the first of --from")
    morph.add_argument("--index-b", type=int, help="test image to end at instead of the first of --to")


def cmd_experiment(args) -> int:
    from . import experiments

    progress = not args.quiet
    name = args.experiment
    out = args.out or Path("experiments") / name
    if hasattr(args, "workers"):
        data = experiments.DataSpec(args.dataset, args.data_dir, args.train_size, args.test_size)
        common = dict(data=data, workers=args.workers, ray_address=args.ray, progress=progress)
    if name == "hidden-sweep":
        report = experiments.hidden_sweep(out, sizes=args.sizes, seeds=args.seeds, epochs=args.epochs,
                                          setups=[s.strip() for s in args.setups.split(",") if s.strip()], **common)
    elif name == "init-vs-regularization":
        report = experiments.init_vs_regularization(out, hidden=args.hidden, epochs=args.epochs, lr=args.lr,
                                                    l2=args.l2, seed=args.seed, **common)
    elif name == "noise":
        report = experiments.noise_experiment(args.run, images=args.images, seed=args.seed, data_dir=args.data_dir,
                                              progress=progress)
    elif name == "robustness":
        report = experiments.robustness_experiment(args.runs, max_shift=args.max_shift, data_dir=args.data_dir,
                                                   test_size=args.test_size, progress=progress)
    else:
        report = experiments.morph_experiment(args.run, source=args.source, target=args.target, steps=args.steps,
                                               index_a=args.index_a, index_b=args.index_b, data_dir=args.data_dir,
                                               progress=progress)
    path = report.write(out, progress=progress)
    print("\n".join(report.summary[1:] or report.summary))
    print(f"report:  {path}\nresults: {out / 'results.json'}")
    return 0


def _default_out(preset: str, dataset: str) -> Path:
    return Path("runs") / f"{preset}-{dataset}-{dt.datetime.now():%Y%m%d-%H%M%S}"


def cmd_train(args) -> int:
    from .runs import load_run, train_run

    progress = not args.quiet
    out = args.out or _default_out(args.preset, args.dataset)
    if args.resume:
        if not args.out:
            raise NeuronscopeError("--resume needs --out RUN, the run to continue")
        existing = load_run(out)
        data = existing.load_data(args.data_dir, progress=progress)
        model_config, training = existing.model.config, existing.training
        if args.epochs:
            training = type(training).from_json({**training.to_json(), "epochs": args.epochs})
    else:
        if args.dataset == "cifar10":
            raise NeuronscopeError("dense networks take grayscale images; for cifar10 use `neuronscope templates "
                                   "--dataset cifar10` or `neuronscope convnet train --dataset cifar10`")
        data = load_dataset(args.dataset, args.data_dir, train_size=args.train_size, test_size=args.test_size,
                            progress=progress)
        model_config, training = build_configs(
            input_size=data.input_size, num_classes=data.num_classes, image_shape=data.image_shape,
            preset=args.preset, layers=args.layers, activation=args.activation, output=args.output,
            cost=args.cost, init=args.init, optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size,
            epochs=args.epochs, l2=args.l2, seed=args.seed)
    print(f"training {'-'.join(map(str, model_config.layers))} on {len(data.train_labels)} {data.name} images "
          f"for {training.epochs} epochs -> {out}")
    try:
        run = train_run(out, data, model_config, training, resume=args.resume, overwrite=args.overwrite,
                        device=args.device, progress=progress)
    except KeyboardInterrupt:
        print(f"\ninterrupted; the last completed epoch is saved in {out}. "
              f"Continue with: neuronscope train --resume --out {out}", file=sys.stderr)
        return 130
    last = run.history[-1]
    print(f"epoch {last['epoch']}: test accuracy {100 * last['test_accuracy']:.2f}%")
    if not args.no_report:
        _write_outputs(run, data, progress)
    return 0


def _write_outputs(run, data, progress: bool, formats=("png",), figures_dir: Path | None = None,
                   report_path: Path | None = None) -> None:
    from .report import run_figures, write_figures, write_report

    figures = run_figures(run, data)
    write_figures(figures, figures_dir or run.path / "figures", formats, progress=progress)
    report = write_report(run, figures, data.summary(), report_path)
    print(f"figures: {figures_dir or run.path / 'figures'}\nreport:  {report}")


def _load_run_and_data(args):
    from .runs import load_run

    run = load_run(args.run)
    return run, run.load_data(args.data_dir, train_size=args.train_size, test_size=args.test_size)


def cmd_figures(args) -> int:
    from .report import run_figures, write_figures

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad or not formats:
        raise NeuronscopeError(f"unknown figure format {', '.join(bad) or args.format!r}; use png and/or svg")
    run, data = _load_run_and_data(args)
    out = args.out or run.path / "figures"
    paths = write_figures(run_figures(run, data), out, formats)
    print(f"wrote {len(paths)} figures to {out}")
    return 0


def cmd_report(args) -> int:
    from .report import run_figures, write_report

    run, data = _load_run_and_data(args)
    print(f"report: {write_report(run, run_figures(run, data), data.summary(), args.out)}")
    return 0


def cmd_demo(args) -> int:
    from .runs import CONFIG, load_run, train_run

    if (args.out / CONFIG).exists():
        run = load_run(args.out)
        print(f"using the trained network in {args.out}")
        if not (args.out / "report.html").exists():
            _write_outputs(run, run.load_data(args.data_dir), progress=True)
    else:
        data = load_dataset("mnist", args.data_dir, train_size=args.train_size, test_size=args.test_size)
        model_config, training = build_configs(input_size=data.input_size, num_classes=data.num_classes,
                                               image_shape=data.image_shape)
        print(f"training the default {'-'.join(map(str, model_config.layers))} network on "
              f"{len(data.train_labels)} MNIST images -> {args.out}")
        run = train_run(args.out, data, model_config, training)
        print(f"test accuracy {100 * run.history[-1]['test_accuracy']:.2f}%")
        _write_outputs(run, data, progress=True)
    if args.no_serve:
        return 0
    args.path = args.out
    return cmd_serve(args)


def cmd_serve(args) -> int:
    from .runs import run_kind
    from .web.app import runs_dir_for, serve_lab

    runs_dir, selected = runs_dir_for(args.path)
    pages = {"char-rnn": "text", "convnet": "vision", "linear": "vision"}
    page = pages.get(run_kind(runs_dir / selected), "") if selected else ""
    url = f"http://{args.host}:{args.port}/{page}" + (f"?run={selected}" if selected else "")
    serve_lab(runs_dir, args.data_dir, args.host, args.port,
              f"neuronscope lab: {url}  (serving runs in {runs_dir}; Ctrl-C stops)")
    return 0


def cmd_import_weights(args) -> int:
    from .runs import import_weights

    run = import_weights(args.file, args.out, activation=args.activation, output=args.output,
                         image_shape=args.image_shape, dataset=args.dataset, overwrite=args.overwrite)
    print(f"imported a {'-'.join(map(str, run.model.config.layers))} network into {run.path}")
    return 0


COMMANDS = {"train": cmd_train, "experiment": cmd_experiment, "demo": cmd_demo, "serve": cmd_serve,
            "figures": cmd_figures, "report": cmd_report, "import-weights": cmd_import_weights, "basics": cmd_basics, "text": cmd_text,
            **VISION_COMMANDS}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except NeuronscopeError as e:
        print(f"neuronscope: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
