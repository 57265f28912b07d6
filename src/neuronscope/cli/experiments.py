"""``neuronscope experiment NAME``: studies of what networks learn, reproduced end to end."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..choices import DATASETS
from .options import add_data_options, command_group, int_list


def add_parsers(commands) -> None:
    studies = command_group(commands, "experiment", "reproduce a study end to end and write its report",
                            cmd_experiment, "experiment")

    def study(name: str, help: str, trains: bool) -> argparse.ArgumentParser:
        p = studies.add_parser(name, help=help, description=help)
        p.add_argument("--out", type=Path, help=f"folder for the report and runs (default: experiments/{name})")
        p.add_argument("--quiet", action="store_true", help="no progress bars")
        if trains:
            add_data_options(p, DATASETS)
            p.add_argument("--workers", type=int, help="processes on this machine (default: one per core)")
            p.add_argument("--ray", metavar="ADDRESS", help="run on the Ray cluster at ADDRESS ('local' starts one "
                                                          "here) instead of local processes")
        else:
            p.add_argument("--data-dir", help="where dataset files are")
        return p

    sweep = study("hidden-sweep", "accuracy against the number of hidden neurons, over seeds", trains=True)
    sweep.add_argument("--sizes", type=int_list, default=[1, 2, 3, 4, 5, 10, 20, 30, 100],
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
    robust.add_argument("--test-size", type=int, default=2000,
                        help="test images moved about (default: the first 2000; 169 shifts of all 10,000 take "
                             "minutes for a ConvNet)")

    morph = study("morph", "slide one test digit into another and find where the answer flips", trains=False)
    morph.add_argument("run", type=Path)
    morph.add_argument("--from", dest="source", type=int, default=3, help="class to start from (default: 3)")
    morph.add_argument("--to", dest="target", type=int, default=8, help="class to end at (default: 8)")
    morph.add_argument("--steps", type=int, default=41)
    morph.add_argument("--index-a", type=int, help="test image to start from instead of the first of --from")
    morph.add_argument("--index-b", type=int, help="test image to end at instead of the first of --to")


def cmd_experiment(args) -> int:
    from .. import experiments

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
