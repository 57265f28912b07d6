// The text page: every cell of a character-level model on text the user types, cell by cell,
// the cells the analysis found interpretable, and samples with the model's alternatives.
import { signedCss } from "/palette.js";
import { $, api, escapeHtml, noteUnavailableRuns, postJSON } from "./plotting.js";

const DEFAULT_TEXT = {
  code: 'def area(width, height=1):\n    """Return the area."""\n    if width < 0:  # no negative sizes\n'
    + '        raise ValueError("width is negative")\n    return [width * height, (width, height)]\n',
  prose: "KING HENRY:\nSay, I will not; and I will know the reason,\nFor by my troth I am your friend.\n\n"
    + "QUEEN:\nMy lord, I pray you, hear me speak.\nWhat is the matter, that you look so pale?\n",
};
const state = { run: null, info: null, trace: null, cell: 0, pending: 0 };

function charSpan(char) {
  const span = document.createElement("span");
  if (char === "\n") span.innerHTML = '<span class="nl">↵</span>\n';
  else span.textContent = char;
  return span;
}

function renderCell() {
  const view = $("text-view");
  view.innerHTML = "";
  if (!state.trace) return;
  const { chars, values, reach } = state.trace, cell = state.cell;
  chars.forEach((char, t) => {
    const span = charSpan(char);
    if (values[t] === null) {
      span.className = "unknown"; span.title = "not in the model's vocabulary: skipped";
    } else {
      span.style.background = signedCss(values[t][cell], reach[cell]);
      span.title = values[t][cell].toFixed(3);
      span.dataset.value = values[t][cell];
    }
    view.append(span);
  });
  $("cell-index").value = cell; $("cell-slider").value = cell;
}

async function trace() {
  const ticket = ++state.pending;
  const text = $("text-input").value;
  if (!text) { state.trace = null; renderCell(); return; }
  try {
    const result = await postJSON(`/api/text/${encodeURIComponent(state.run)}/activations`,
      { text, layer: Number($("text-layer").value), signal: $("text-signal").value });
    if (ticket !== state.pending) return; // a newer keystroke's answer is on its way
    state.trace = result;
    $("text-error").textContent = result.unknown.length ? `The model never saw ${result.unknown.map((c) => JSON.stringify(c))
      .join(" ")}: shown struck through and skipped when it reads the text.` : "";
    renderCell();
  } catch (error) {
    if (ticket === state.pending) $("text-error").textContent = `⚠ ${error.message}`;
  }
}

function setCell(cell) {
  state.cell = Math.max(0, Math.min(state.info.hidden - 1, cell));
  renderCell();
}

async function loadFindings() {
  const list = $("found-cells");
  list.innerHTML = "";
  try {
    const found = await api(`/api/text/${encodeURIComponent(state.run)}/cells`);
    for (const f of found.features) {
      const li = document.createElement("li");
      li.textContent = `${f.feature}: layer ${f.layer}, cell ${f.cell} (${f.binary ? "AUC" : "|r|"} ${f.score.toFixed(2)})`;
      li.addEventListener("click", async () => {
        $("text-layer").value = f.layer; $("text-signal").value = "state";
        state.cell = f.cell;
        await trace();
      });
      list.append(li);
    }
    $("found-note").textContent = `${Math.round(100 * found.interpretable_fraction)}% of cells are interpretable `
      + `by these features (on ${found.analyzed_characters.toLocaleString()} characters of held-out text).`;
  } catch (error) {
    $("found-note").textContent = error.message;
  }
}

async function selectRun(name) {
  state.run = name;
  state.info = state.runs.find((r) => r.name === name);
  const info = state.info;
  $("text-run-info").textContent = `${info.layers}×${info.hidden} ${info.cell.toUpperCase()} on ${info.corpus}`
    + ` · ${info.parameters.toLocaleString("en")} weights and biases`
    + (info.val_nats ? ` · validation ${info.val_nats.toFixed(3)} nats = ${info.val_bits.toFixed(3)} bits per character` : "");
  $("text-layer").innerHTML = Array.from({ length: info.layers }, (_, i) => `<option>${i + 1}</option>`).join("");
  $("text-signal").innerHTML = '<option value="state">cell state</option>'
    + info.signals.filter((s) => s !== "cell").map((s) => `<option value="${s}">${s.replace("_", " ")}</option>`).join("");
  $("cell-slider").max = info.hidden - 1; $("cell-index").max = info.hidden - 1;
  if (!$("text-input").value) {
    $("text-input").value = info.language === "python" ? DEFAULT_TEXT.code : DEFAULT_TEXT.prose;
  }
  state.cell = Math.min(state.cell, info.hidden - 1);
  await Promise.all([trace(), loadFindings()]);
}

async function sample() {
  const view = $("sample-view");
  try {
    const result = await postJSON(`/api/text/${encodeURIComponent(state.run)}/sample`, {
      prime: $("sample-prime").value, length: Number($("sample-length").value),
      temperature: Number($("sample-temperature").value), seed: Math.floor(Math.random() * 1e9) });
    view.innerHTML = "";
    view.append(document.createTextNode($("sample-prime").value));
    for (const c of result.chars) {
      const span = charSpan(c.char);
      // the less likely the character, the darker its shade
      span.style.background = `rgba(232,137,29,${(0.75 * (1 - c.probability)).toFixed(3)})`;
      const shown = (ch) => (ch === "\n" ? "↵" : ch === " " ? "␣" : ch);
      span.dataset.tip = `p = ${c.probability.toFixed(3)}\n`
        + c.alternatives.map(([ch, p]) => `${shown(ch)}  ${p.toFixed(3)}`).join("\n");
      view.append(span);
    }
  } catch (error) {
    view.textContent = `⚠ ${error.message}`;
  }
}

async function init() {
  noteUnavailableRuns().catch(() => {});
  state.runs = await api("/api/text/runs");
  if (!state.runs.length) {
    $("text-view").textContent = "No character-level runs here yet: train one with `neuronscope text train`.";
    document.body.dataset.ready = "true";
    return;
  }
  const wanted = new URLSearchParams(location.search).get("run");
  $("text-run").innerHTML = state.runs.map((r) => `<option>${escapeHtml(r.name)}</option>`).join("");
  if (wanted && state.runs.some((r) => r.name === wanted)) $("text-run").value = wanted;
  $("text-run").addEventListener("change", (e) => selectRun(e.target.value));
  $("text-input").addEventListener("input", trace);
  $("text-layer").addEventListener("change", trace);
  $("text-signal").addEventListener("change", trace);
  $("cell-prev").addEventListener("click", () => setCell(state.cell - 1));
  $("cell-next").addEventListener("click", () => setCell(state.cell + 1));
  $("cell-index").addEventListener("change", (e) => setCell(Number(e.target.value)));
  $("cell-slider").addEventListener("input", (e) => setCell(Number(e.target.value)));
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT") return;
    if (e.key === "ArrowLeft") setCell(state.cell - 1);
    if (e.key === "ArrowRight") setCell(state.cell + 1);
  });
  $("sample-temperature").addEventListener("input", (e) => ($("sample-temperature-value").textContent = e.target.value));
  $("sample-temperature-value").textContent = $("sample-temperature").value;
  $("sample-run").addEventListener("click", sample);
  await selectRun($("text-run").value);
  await sample();
  document.body.dataset.ready = "true";
}

init();
