"""Build-time pieces of the documentation: the command-line reference generated from the real parser,
and the gallery: the example notebooks, executed during the build so every picture is today's."""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
log = logging.getLogger("mkdocs.hooks.neuronscope")
_gallery = tempfile.TemporaryDirectory(prefix="neuronscope-gallery-")


def _subcommands(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _reference(parser: argparse.ArgumentParser, name: str, depth: int = 2) -> list[str]:
    parts = [f"{'#' * depth} `{name}`", "", "```text", parser.format_help().rstrip(), "```", ""]
    for sub_name, sub_parser in _subcommands(parser):
        parts += _reference(sub_parser, f"{name} {sub_name}", min(depth + 1, 4))
    return parts


def on_page_markdown(markdown: str, page, config, files) -> str:
    if "{{ command_line_reference }}" not in markdown:
        return markdown
    from neuronscope.cli import build_parser

    os.environ["COLUMNS"] = "100"  # the same wrapping on every machine
    parser = build_parser()
    return markdown.replace("{{ command_line_reference }}", "\n".join(_reference(parser, "neuronscope")))


def _without_live_widgets(book) -> None:
    """Live widgets need a kernel: a built page shows their static fallback (text, or HTML such as
    DrawLab's self-contained lab) instead."""
    book.metadata.pop("widgets", None)
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data and len(data) > 1:
                del data["application/vnd.jupyter.widget-view+json"]


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files, config):
    import nbclient
    import nbformat

    out = Path(_gallery.name)
    work = out / "work"
    work.mkdir(exist_ok=True)
    for notebook in sorted(EXAMPLES.glob("*.ipynb")):
        log.info("executing %s", notebook.name)
        book = nbformat.read(notebook, as_version=4)
        nbclient.NotebookClient(book, timeout=900, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}}).execute()
        _without_live_widgets(book)
        (out / "gallery").mkdir(exist_ok=True)
        nbformat.write(book, out / "gallery" / notebook.name)
        files.append(File(f"gallery/{notebook.name}", str(out), config["site_dir"], config["use_directory_urls"]))
    return files
