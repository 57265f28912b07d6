"""``DrawLab(run)``: draw a digit in a notebook cell and watch every neuron respond.

The widget shows the exported lab (one self-contained page: the network evaluates in the browser,
nothing is fetched from anywhere) in a frame, and the page reports each answer back to Python as
``prediction`` and ``probabilities``. It is an anywidget, so it runs in JupyterLab, Jupyter
Notebook, VS Code and Colab, and its JavaScript is this module's text: no CDN, no build step.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..errors import NeuronscopeError

try:
    import anywidget
    import traitlets
except ImportError as missing:  # one line on how to get it, not a traceback
    raise NeuronscopeError("DrawLab needs anywidget: pip install 'neuronscope[notebook]'") from missing

MOUNT = """
export default {
  render({ model, el }) {
    const frame = document.createElement("iframe");
    frame.title = "neuronscope drawing lab";
    frame.style.cssText = `width: 100%; height: ${model.get("height")}px; border: 0;`;
    frame.srcdoc = model.get("page");
    el.appendChild(frame);
    const listen = (event) => {
      if (event.source !== frame.contentWindow || event.data?.neuronscope !== "answer") return;
      model.set("prediction", event.data.prediction);
      model.set("probabilities", event.data.probabilities);
      model.save_changes();
    };
    window.addEventListener("message", listen);
    return () => window.removeEventListener("message", listen);
  },
};
"""


class DrawLab(anywidget.AnyWidget):
    """The drawing lab for a dense run (a ``Run`` or its folder).

    ``prediction`` and ``probabilities`` follow what is drawn; ``samples`` test images back the
    "Test digit" button.
    """

    _esm = MOUNT
    page = traitlets.Unicode().tag(sync=True)
    height = traitlets.Int(780).tag(sync=True)
    prediction = traitlets.Int(-1).tag(sync=True)
    probabilities = traitlets.List(traitlets.Float()).tag(sync=True)

    def __init__(self, run, *, samples: int = 200, data_dir: str | Path | None = None, height: int = 780):
        from ..web.export import lab_page

        self._run_path = Path(getattr(run, "path", run))
        super().__init__(page=lab_page(self._run_path, data_dir=data_dir, samples=samples), height=height)

    def __repr__(self) -> str:
        return f"DrawLab({str(self._run_path)!r}, prediction={self.prediction})"

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus the same page as HTML for where no kernel runs (a rendered notebook, the
        documentation): the page is self-contained, so it works there too, only without ``prediction``."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            data["text/html"] = (f'<iframe title="neuronscope drawing lab" style="width:100%;height:{self.height}px;'
                                 f'border:0" srcdoc="{html.escape(self.page, quote=True)}"></iframe>')
        return bundle
