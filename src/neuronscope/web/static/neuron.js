// One neuron: inputs, weights and a threshold on sliders; the weighted sum against the threshold,
// the same decision as z = w·x + b > 0 with b = -threshold, and z through four activations.
import { $, curveWithPoint } from "./plotting.js";

// the same examples as neuronscope.basics.FESTIVAL and FESTIVAL_YES_NO; x: [min, max, step] of the values
const PRESETS = {
  festival: {
    inputs: ["weather", "music", "company", "price"], x: [3, 2, 4, 2], w: [4, 2, 2, 1], threshold: 25,
    values: [0, 4, 1], thresholds: [-40, 40, 0.5], yes: "Go to the festival!", no: "Stay home.",
  },
  "festival-yes-no": {
    inputs: ["good weather", "music I like", "friends are coming", "cheap ticket"], x: [1, 0, 1, 0], w: [4, 3, 2, 1],
    threshold: 5, values: [0, 1, 1], thresholds: [-10, 10, 0.1], yes: "Go to the festival!", no: "Stay home.",
  },
  free: {
    inputs: ["x₁", "x₂"], x: [0.5, 0.8], w: [1.5, -2], threshold: -0.5, values: [0, 1, 0.01],
    thresholds: [-10, 10, 0.1],
    yes: "fires (1)", no: "silent (0)",
  },
};
const ACTIVATIONS = {
  step: { f: (z) => (z > 0 ? 1 : 0), y0: -0.2, y1: 1.2 },
  sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), y0: -0.2, y1: 1.2 },
  relu: { f: (z) => Math.max(0, z), y0: -1, y1: 6 },
  tanh: { f: Math.tanh, y0: -1.2, y1: 1.2 },
};

const state = { preset: null, x: [], w: [], threshold: 0 };

function slider(min, max, step, value, onInput) {
  const input = Object.assign(document.createElement("input"), { type: "range", min, max, step, value });
  input.addEventListener("input", () => { onInput(Number(input.value)); update(); });
  return input;
}

function load(name) {
  const preset = PRESETS[name];
  Object.assign(state, { preset, x: [...preset.x], w: [...preset.w], threshold: preset.threshold });
  const table = $("neuron-inputs");
  table.innerHTML = "<tr><th>input</th><th>value x</th><th></th><th>weight w</th><th></th></tr>";
  preset.inputs.forEach((label, i) => {
    const row = table.insertRow();
    row.insertCell().textContent = label;
    const [low, high, step] = preset.values;
    row.insertCell().append(slider(low, high, step, state.x[i], (v) => (state.x[i] = v)));
    Object.assign(row.insertCell(), { className: "num", id: `neuron-x${i}` });
    row.insertCell().append(slider(-6, 6, 0.1, state.w[i], (v) => (state.w[i] = v)));
    Object.assign(row.insertCell(), { className: "num", id: `neuron-w${i}` });
    row.cells[1].firstChild.id = `neuron-x${i}-slider`;
    row.cells[3].firstChild.id = `neuron-w${i}-slider`;
  });
  const [low, high, step] = preset.thresholds;
  Object.assign($("neuron-threshold"), { min: low, max: high, step });
  $("neuron-threshold").value = state.threshold;
  update();
}

function numberLine(weightedSum, threshold) {
  const canvas = $("neuron-line"), ctx = canvas.getContext("2d"), w = canvas.width;
  const reach = Math.max(10, Math.abs(weightedSum) + 2, Math.abs(threshold) + 2);
  const px = (v) => 30 + ((v + reach) / (2 * reach)) * (w - 60);
  ctx.clearRect(0, 0, w, canvas.height);
  const row = (y, value, mark, valueName, markName) => {
    ctx.strokeStyle = "#9aa3b2"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(20, y); ctx.lineTo(w - 20, y); ctx.stroke();
    ctx.fillStyle = value > mark ? "rgba(31,138,76,.18)" : "rgba(192,57,43,.15)";
    ctx.fillRect(Math.min(px(mark), px(value)), y - 12, Math.abs(px(value) - px(mark)), 24);
    ctx.fillStyle = "#1d2330"; ctx.fillRect(px(mark) - 1.5, y - 16, 3, 32);
    ctx.font = "12px system-ui"; ctx.fillText(markName, px(mark) + 4, y - 18);
    ctx.fillStyle = "#2f6fb7"; ctx.beginPath(); ctx.arc(px(value), y, 6, 0, 2 * Math.PI); ctx.fill();
    // a label near the right edge ends at its point instead of running off the canvas
    const nearRight = px(value) + ctx.measureText(valueName).width > w - 4;
    ctx.textAlign = nearRight ? "right" : "left";
    ctx.fillText(valueName, nearRight ? px(value) + 10 : px(value) - 10, y + 26);
    ctx.textAlign = "left";
  };
  row(45, weightedSum, threshold, `w·x = ${weightedSum.toFixed(2)}`, `threshold ${threshold.toFixed(1)}`);
  row(115, weightedSum - threshold, 0, `z = w·x + b = ${(weightedSum - threshold).toFixed(2)}`, "0");
}

function update() {
  state.threshold = Number($("neuron-threshold").value);
  const weightedSum = state.x.reduce((sum, x, i) => sum + x * state.w[i], 0);
  const bias = -state.threshold, z = weightedSum + bias, fires = z > 0;
  state.x.forEach((x, i) => {
    $(`neuron-x${i}`).textContent = x.toFixed(2);
    $(`neuron-w${i}`).textContent = state.w[i].toFixed(1);
  });
  $("neuron-threshold-value").textContent = state.threshold.toFixed(1);
  const terms = state.x.map((x, i) => `${state.w[i].toFixed(1)}×${x.toFixed(2)}`).join(" + ");
  $("neuron-sum").textContent = `w·x = ${terms} = ${weightedSum.toFixed(2)} ${fires ? ">" : "≤"} threshold `
    + `${state.threshold.toFixed(1)}   ⇔   z = w·x + b = ${z.toFixed(2)} with b = ${bias.toFixed(1)}`;
  const decision = $("neuron-decision");
  decision.textContent = fires ? state.preset.yes : state.preset.no;
  decision.className = `decision ${fires ? "go" : "stay"}`;
  decision.dataset.fires = String(fires);
  numberLine(weightedSum, state.threshold);
  for (const [name, { f, y0, y1 }] of Object.entries(ACTIVATIONS)) {
    curveWithPoint($(`activation-${name}`), f, z, { y0, y1 });
    $(`activation-${name}-caption`).textContent = `${name}(${z.toFixed(2)}) = ${f(z).toFixed(3)}`;
  }
}

export function init() {
  const plots = $("neuron-activations");
  for (const name of Object.keys(ACTIVATIONS)) {
    const figure = document.createElement("figure");
    figure.append(Object.assign(document.createElement("canvas"), { id: `activation-${name}`, width: 120, height: 100 }),
      Object.assign(document.createElement("figcaption"), { id: `activation-${name}-caption` }));
    plots.append(figure);
  }
  $("neuron-preset").addEventListener("change", (e) => load(e.target.value));
  $("neuron-threshold").addEventListener("input", update);
  load("festival");
}
