// Backpropagation for one input, stage by stage: the forward values, the loss, what flows back to
// each neuron (delta = d loss / d z) and each weight's gradient, checked against finite differences.
// The server computes every number with the library (neuronscope.basics.backprop_trace).
import { $, api, postJSON } from "./plotting.js";

const STAGES = [
  ["network", "The network: each edge carries a weight, each neuron a bias. Inputs on the left."],
  ["forward 1", "Hidden layer: z = w·x + b for each neuron, then a = σ(z) = 1 / (1 + e^−z)."],
  ["forward 2", "Output: the same with the hidden activations as inputs; a is the network's answer."],
  ["loss", "Loss: L = ½ (a − target)². Training wants it small."],
  ["backward 2", "Output delta δ = dL/dz = (a − target) · σ'(z), with σ'(z) = a (1 − a). Each weight's gradient is δ × the activation feeding it."],
  ["backward 1", "Hidden deltas: δ_h = (Σ δ_out · w_out,h) · a_h (1 − a_h), the chain rule one layer back; gradients are δ_h × x."],
  ["check", "Check: nudge each weight by ±1e-6 and measure the change in loss. Backprop agrees to the last digits."],
];
const state = { network: null, x: null, target: null, result: null, stage: 0, previousLoss: null };

const fmt = (v, digits = 4) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(digits));

async function refresh() {
  state.x = [Number($("bp-x0").value), Number($("bp-x1").value)];
  state.target = Number($("bp-target").value);
  try {
    state.result = await postJSON("/api/basics/backprop", { ...state.network, x: state.x, target: state.target,
      loss: "squared", lr: Number($("bp-lr").value) });
    $("bp-explain").textContent = STAGES[state.stage][1];
  } catch (error) {
    $("bp-explain").textContent = `⚠ ${error.message}`;
    return;
  }
  draw();
}

function neuronPositions(sizes) {
  return sizes.map((n, l) => Array.from({ length: n }, (_, i) => [70 + l * 260, 165 + (i - (n - 1) / 2) * 150]));
}

function svg(tag, attributes, text) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
  if (text !== undefined) element.textContent = text;
  return element;
}

function draw() {
  const r = state.result, stage = state.stage, diagram = $("bp-diagram");
  diagram.innerHTML = "";
  const positions = neuronPositions(r.sizes);
  const gradientShown = (l) => stage >= (l === r.sizes.length - 2 ? 4 : 5);
  // edges: weight, and once its layer is back-propagated, its gradient
  for (let l = 0; l < r.sizes.length - 1; l++) {
    r.after.weights[l].forEach((row, o) => row.forEach((_, i) => {
      const [x1, y1] = positions[l][i], [x2, y2] = positions[l + 1][o];
      const gradient = r.weight_gradients[l][o][i];
      const shown = gradientShown(l);
      diagram.append(svg("line", { x1, y1, x2, y2, stroke: shown ? (gradient > 0 ? "#c0392b" : "#2f6fb7") : "#9aa3b2",
        "stroke-width": shown ? 1.5 + Math.min(5, Math.abs(gradient) * 60) : 1.5 }));
      // labels of crossing edges sit on either side of the crossing
      const t = i === o || r.sizes[l + 1] === 1 ? 0.45 : (i < o ? 0.22 : 0.62), mx = x1 + (x2 - x1) * t, my = y1 + (y2 - y1) * t - 6;
      diagram.append(svg("text", { x: mx - 20, y: my, fill: "#1d2330" }, `w=${fmt(state.network.weights[l][o][i], 2)}`));
      if (shown) diagram.append(svg("text", { x: mx - 20, y: my + 14, fill: "#c0392b" }, `∂L/∂w=${fmt(gradient)}`));
    }));
  }
  // neurons: inputs show x; later layers z and a once the forward pass reaches them, delta on the way back
  positions.forEach((layer, l) => layer.forEach(([cx, cy], i) => {
    diagram.append(svg("circle", { cx, cy, r: 30, fill: l ? "#eef3fb" : "#f4f6fa", stroke: "#1d2330", "stroke-width": 1.5 }));
    const name = l === 0 ? `x${i + 1}` : (l === r.sizes.length - 1 ? "out" : `h${i + 1}`);
    diagram.append(svg("text", { x: cx - 12, y: cy - 36, class: "label" }, name));
    if (l === 0) { diagram.append(svg("text", { x: cx - 18, y: cy + 4 }, fmt(r.a[0][i], 3))); return; }
    if (stage >= l) {
      diagram.append(svg("text", { x: cx - 26, y: cy - 4 }, `z ${fmt(r.z[l - 1][i], 3)}`));
      diagram.append(svg("text", { x: cx - 26, y: cy + 12 }, `a ${fmt(r.a[l][i], 3)}`));
      diagram.append(svg("text", { x: cx - 26, y: cy + 46, fill: "#5b6475" }, `b=${fmt(state.network.biases[l - 1][i], 2)}`));
    }
    const backward = l === r.sizes.length - 1 ? 4 : 5;
    if (stage >= backward) diagram.append(svg("text", { x: cx - 26, y: cy + 62, fill: "#c0392b" }, `δ ${fmt(r.deltas[l - 1][i])}`));
  }));
  if (stage >= 3) {
    const [ox, oy] = positions[positions.length - 1][0];
    diagram.append(svg("text", { x: ox + 40, y: oy - 10, class: "label" }, `target ${fmt(state.target, 2)}`));
    diagram.append(svg("text", { x: ox + 40, y: oy + 10, class: "label", fill: "#8e44ad" }, `L = ${fmt(r.loss, 5)}`));
  }
  for (const [k, button] of document.querySelectorAll("#bp-stages button").entries()) button.classList.toggle("active", k === stage);
  drawTable();
  const losses = $("bp-losses");
  losses.textContent = `loss now ${fmt(r.loss, 6)}; after one step of lr ${$("bp-lr").value}: ${fmt(r.loss_after, 6)}`
    + (state.previousLoss === null ? "" : `   (before the last step: ${fmt(state.previousLoss, 6)})`);
  losses.dataset.loss = String(r.loss);
}

function drawTable() {
  const r = state.result, table = $("bp-table"), check = state.stage >= 6;
  table.innerHTML = `<tr><th>parameter</th><th>value</th><th>∂L/∂ by backprop</th>${check
    ? "<th>by finite differences</th><th>difference</th>" : ""}</tr>`;
  const row = (label, value, gradient, numerical, path) => {
    const tr = table.insertRow();
    tr.insertCell().textContent = label;
    const input = Object.assign(document.createElement("input"), { type: "number", step: "0.05",
      value: Number(value.toPrecision(6)), className: "bp-param" });
    input.addEventListener("change", () => { path(Number(input.value)); state.previousLoss = null; refresh(); });
    tr.insertCell().append(input);
    tr.insertCell().textContent = fmt(gradient, 8);
    if (check) { tr.insertCell().textContent = fmt(numerical, 8); tr.insertCell().textContent = Math.abs(gradient - numerical).toExponential(1); }
  };
  state.network.weights.forEach((layer, l) => {
    const prefix = l === state.network.weights.length - 1 ? "out" : "h";
    layer.forEach((weights, o) => {
      weights.forEach((w, i) => row(`w ${l ? `h${i + 1}` : `x${i + 1}`}→${prefix === "out" ? "out" : `h${o + 1}`}`, w,
        r.weight_gradients[l][o][i], r.numerical_weight_gradients[l][o][i], (v) => (state.network.weights[l][o][i] = v)));
      row(`b ${prefix === "out" ? "out" : `h${o + 1}`}`, state.network.biases[l][o], r.bias_gradients[l][o],
        r.numerical_bias_gradients[l][o], (v) => (state.network.biases[l][o] = v));
    });
  });
  if (check) table.dataset.largestDifference = String(r.largest_difference);
}

async function reset() {
  const example = await api("/api/basics/backprop/example");
  state.network = { weights: example.weights, biases: example.biases, activation: example.activation };
  $("bp-x0").value = example.x[0]; $("bp-x1").value = example.x[1]; $("bp-target").value = example.target;
  state.previousLoss = null;
  await refresh();
}

export async function init() {
  const stages = $("bp-stages");
  STAGES.forEach(([name], k) => {
    const button = Object.assign(document.createElement("button"), { textContent: `${k + 1}. ${name}` });
    button.addEventListener("click", () => { state.stage = k; $("bp-explain").textContent = STAGES[k][1]; draw(); });
    stages.append(button);
  });
  for (const id of ["bp-x0", "bp-x1", "bp-target", "bp-lr"]) $(id).addEventListener("change", refresh);
  $("bp-step").addEventListener("click", async () => {
    state.previousLoss = state.result.loss;
    state.network = state.result.after;
    await refresh();
  });
  $("bp-reset").addEventListener("click", reset);
  await reset();
}
