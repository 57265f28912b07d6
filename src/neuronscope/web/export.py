"""The digit lab as one self-contained HTML file: the page, its scripts and styles, the network's
weights, every neuron's answers and a few hundred test images, opening from ``file://`` with no
server and no network.

The answers are the lab's own API responses, asked of the app in process and embedded; a small
script in the page answers the lab's requests from them, so the page's code is the served lab's.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..files import atomic_write_bytes
from ..plot import palette
from ..runs import DENSE_KINDS, open_run

STATIC = Path(__file__).parent / "static"
DEFAULT_SAMPLES = 300
MAX_SAMPLES = 5000
# the lab's static modules, by the name its imports give them (``/palette.js`` is generated)
MODULES = {"./network.js": "network.js", "./plotting.js": "plotting.js"}

OFFLINE_API = """
// Answers the lab's requests from the answers embedded below: no server, no network.
const BUNDLE = JSON.parse(document.getElementById("neuronscope-bundle").textContent);
function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    if ("f32" in value || "u8" in value) {
      const bytes = Uint8Array.from(atob(value.f32 ?? value.u8), (c) => c.charCodeAt(0));
      return "f32" in value ? Array.from(new Float32Array(bytes.buffer)) : Array.from(bytes, (b) => b / 255);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}
const ANSWERS = decode(BUNDLE.answers), SAMPLES = decode(BUNDLE.samples);
const answer = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
window.fetch = async (path) => {
  const url = new URL(path, "https://lab.invalid/");
  if (url.pathname.endsWith("/samples")) {
    const label = url.searchParams.get("label");
    const pool = SAMPLES.filter((s) => label === null || s.label === Number(label));
    if (!pool.length) return answer({ error: `no test image has label ${label}` }, 422);
    return answer(pool[Math.floor(Math.random() * pool.length)]);
  }
  if (url.pathname === "/api/unavailable") return answer([]);
  return url.pathname in ANSWERS ? answer(ANSWERS[url.pathname]) : answer({ error: "not in this file" }, 404);
};
"""


def _packed(values, as_bytes: bool = False) -> dict:
    array = np.asarray(values, dtype=np.float32)
    if as_bytes:  # images read from 8-bit files travel as bytes, anything finer as float32
        scaled = np.round(array * 255)
        if np.abs(scaled / 255 - array).max(initial=0) < 1e-6:
            return {"u8": base64.b64encode(scaled.astype(np.uint8).tobytes()).decode()}
    return {"f32": base64.b64encode(array.tobytes()).decode()}


def _module(source: str) -> tuple[str, list[str]]:
    """A dependency module's body without ``export`` keywords, and the names it exported."""
    names = re.findall(r"^export\s+(?:async\s+)?(?:function|const|let|class)\s+([A-Za-z_$][\w$]*)", source, re.M)
    return re.sub(r"^export\s+", "", source, flags=re.M), names


def bundle_script(main: str) -> str:
    """``main`` (the lab's module) with its imports inlined: each dependency runs in its own scope and
    hands over only what it exported, so equal names in two modules cannot clash."""
    sources = {"/palette.js": palette.javascript(),
               **{spec: (STATIC / file).read_text() for spec, file in MODULES.items()}}
    parts = []
    for number, (spec, source) in enumerate(sources.items()):
        if re.search(r"^import\s", source, re.M):
            raise ConfigError(f"{spec} imports other modules; the export inlines leaf modules only")
        body, names = _module(source)
        parts.append(f"const module{number} = (() => {{\n{body}\nreturn {{ {', '.join(names)} }};\n}})();")

    def inline(match: re.Match) -> str:
        spec = match.group(2)
        if spec not in sources:
            raise ConfigError(f"the lab imports {spec}, which the export does not know")
        return f"const {{ {match.group(1).strip()} }} = module{list(sources).index(spec)};"

    main = re.sub(r"^import\s*\{([^}]*)\}\s*from\s*\"([^\"]+)\";", inline, main, flags=re.M)
    if re.search(r"^import\s", main, re.M):
        raise ConfigError("the lab has an import the export cannot inline")
    return "\n".join(parts) + "\n" + main


async def _asgi_get(app, path: str) -> tuple[int, bytes]:
    """One GET request answered by the app in process (no socket, no HTTP client)."""
    route, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": route, "raw_path": route.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80)}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _answers(run_path: Path, data_dir, samples: int, seed: int) -> tuple[dict, list]:
    """The lab's answers for the run, asked on an event loop of their own: a notebook's kernel already
    runs one in this thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as own_thread:
        return own_thread.submit(asyncio.run, _ask_the_lab(run_path, data_dir, samples, seed)).result()


async def _ask_the_lab(run_path: Path, data_dir, samples: int, seed: int) -> tuple[dict, list]:
    from .app import create_app

    name = run_path.name
    app = create_app(run_path.parent, data_dir)

    async def get(path: str):
        status, body = await _asgi_get(app, path)
        answer = json.loads(body)
        if status != 200:
            raise ConfigError(f"the lab could not answer {path}: {answer.get('error', status)}")
        return answer

    info = await get(f"/api/runs/{name}")
    weights = await get(f"/api/runs/{name}/weights")
    for layer in weights["layers"]:
        layer["weight"], layer["bias"] = _packed(layer["weight"]), _packed(layer["bias"])
    health = await get(f"/api/runs/{name}/health")
    answers = {"/api/runs": [info], f"/api/runs/{name}": info, f"/api/runs/{name}/weights": weights,
               f"/api/runs/{name}/health": health}
    for layer, width in zip(info["layer_names"], info["layers"][1:]):
        for index in range(width):
            neuron = await get(f"/api/runs/{name}/neurons/{layer}/{index}")
            neuron["weights_image"] = _packed(neuron["weights_image"])
            answers[f"/api/runs/{name}/neurons/{layer}/{index}"] = neuron
    labels = app.state.registry.get(name, DENSE_KINDS).test_set.test_labels
    chosen = _stratified(np.asarray(labels), samples, seed)
    images = []
    for index in chosen:
        image = await get(f"/api/runs/{name}/samples?index={int(index)}")
        image["pixels"] = _packed(image["pixels"], as_bytes=True)
        images.append(image)
    return answers, images


def _stratified(labels: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` test indices, as even over the classes as the test set allows, in a seeded order."""
    rng = np.random.default_rng(seed)
    by_class = [rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)]
    chosen, depth = [], 0
    while len(chosen) < min(count, len(labels)):
        chosen.extend(group[depth] for group in by_class if depth < len(group))
        depth += 1
    return np.sort(np.asarray(chosen[:count], dtype=np.int64))


def export_lab(run_path: str | Path, out: str | Path, *, data_dir=None, samples: int = DEFAULT_SAMPLES,
               seed: int = 0) -> Path:
    """Write the digit lab for one dense run as a single HTML file; returns its path."""
    page = lab_page(run_path, data_dir=data_dir, samples=samples, seed=seed)
    out = Path(out)
    atomic_write_bytes(out, page.encode())
    return out


def lab_page(run_path: str | Path, *, data_dir=None, samples: int = DEFAULT_SAMPLES, seed: int = 0) -> str:
    """The digit lab for one dense run as one HTML document (see the module's description)."""
    from .. import __version__

    if not 1 <= samples <= MAX_SAMPLES:
        raise ConfigError(f"--samples must be between 1 and {MAX_SAMPLES}, got {samples}")
    run = open_run(run_path, kinds=DENSE_KINDS)
    answers, images = _answers(run.path, data_dir, samples, seed)
    page = (STATIC / "index.html").read_text()
    bundle = json.dumps({"answers": answers, "samples": images}, separators=(",", ":")).replace("</", "<\\/")
    style = (STATIC / "lab.css").read_text() + "\nheader a { display: none; }\n"
    script = (OFFLINE_API + bundle_script((STATIC / "lab.js").read_text())).replace("</script", "<\\/script")
    note = (f'<span class="note">exported from neuronscope {__version__}: runs in this file alone, '
            f'{len(images)} test images</span>')
    page = page.replace('<link rel="stylesheet" href="/static/lab.css">', f"<style>\n{style}</style>")
    page = page.replace('<script type="module" src="/static/lab.js"></script>',
                        f'<script type="application/json" id="neuronscope-bundle">{bundle}</script>\n'
                        f'<script type="module">\n{script}\n</script>')
    page = page.replace('<a id="gallery-link"', f'{note}<a id="gallery-link"')
    if "/static/" in page:
        raise ConfigError("the lab page refers to a file the export does not inline")
    return page
