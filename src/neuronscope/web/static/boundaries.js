// Decision boundaries in 2-D: toy data from the server (or the user's own CSV), a linear model or an
// MLP trained right here, several gradient-descent steps and a full redraw per animation frame. Two
// classes: one sigmoid output; more: one output per class through a softmax.
import { $, api, CLASS_COLORS, lineChart, postJSON, tintInto } from "./plotting.js";
import { createNetwork, forward, standardizer, step } from "./tinynet.js";

const GRID = 60; // decision regions are evaluated on GRID x GRID points and drawn smoothed
const FRAME_BUDGET_MS = 13; // steps stop once they and the last redraw's time would pass this (a frame is 16 ms)
const TILE = 30; // each hidden neuron's response map
const MAX_CSV_BYTES = 1_000_000;
const CLASS_RGB = CLASS_COLORS.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
const state = {
  data: null, x: null, y: null, scaler: null, bounds: null, net: null, running: false,
  steps: 0, losses: [], accuracy: 0, grid: null, drawMs: 0, classes: 2,
};
// Step-plus-redraw times (ms) of recent frames, read by the tests and the benchmark.
window.neuronscopeFrameTimes = [];

function hiddenSizes() {
  const text = $("net-hidden").value.trim();
  if (!text) return [];
  const sizes = text.split(",").map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 16) || sizes.length > 3) return null;
  return sizes;
}

const learningRate = () => 10 ** Number($("net-lr").value);

const MANY_CLASSES = ["blobs", "spirals"];

async function loadData() {
  if (!$("toy-name").value) $("toy-name").value = "xor"; // from the CSV's entry, points or noise changed
  $("toy-name").querySelector("option[data-csv]")?.remove();
  const n = $("toy-n").value, noise = $("toy-noise").value, name = $("toy-name").value;
  const many = MANY_CLASSES.includes(name);
  $("toy-classes-label").hidden = !many;
  const classes = many ? `&classes=${$("toy-classes").value}` : "";
  useData(await api(`/api/basics/toy/${name}?n=${n}&noise=${noise}&seed=0${classes}`));
  $("toy-csv-note").textContent = "";
}

// The user's own CSV: read here, checked and parsed by the server as the command line does.
async function loadCSV() {
  const file = $("toy-csv").files[0];
  if (!file) return;
  const note = $("toy-csv-note");
  try {
    if (file.size > MAX_CSV_BYTES) throw new Error(`${file.name} is ${file.size.toLocaleString("en")} bytes; a toy CSV may have 1,000,000`);
    useData(await postJSON("/api/basics/toy/csv", { csv: await file.text(), name: file.name.replace(/\.[^.]*$/, "") }));
    showChosenCSV(file.name);
    note.textContent = `${file.name}: ${state.data.points.length} points, classes ${state.data.class_names.join(", ")}`;
    note.classList.remove("error");
  } catch (error) {
    note.textContent = `${file.name}: ${error.message}`;
    note.classList.add("error");
  }
  $("toy-csv").value = ""; // the same file can be chosen again after fixing it
}

// the data menu names the CSV while its points are shown; choosing a set there leaves it
function showChosenCSV(name) {
  $("toy-name").querySelector("option[data-csv]")?.remove();
  const option = Object.assign(document.createElement("option"), { value: "", textContent: `${name} (yours)` });
  option.dataset.csv = "true";
  $("toy-name").append(option);
  $("toy-name").value = "";
  $("toy-classes-label").hidden = true;
}

function useData(data) {
  state.data = data;
  state.classes = data.class_names.length;
  state.scaler = standardizer(data.points);
  state.x = Float64Array.from(data.points.flatMap((p) => state.scaler.apply(p[0], p[1])));
  state.y = Float64Array.from(data.labels);
  const xs = data.points.map((p) => p[0]), ys = data.points.map((p) => p[1]);
  const pad = (lo, hi) => [lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)];
  state.bounds = [...pad(Math.min(...xs), Math.max(...xs)), ...pad(Math.min(...ys), Math.max(...ys))];
  const [x0, x1, y0, y1] = state.bounds;
  // grid points, row 0 at the top of the canvas
  state.grid = new Float64Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const [u, v] = state.scaler.apply(x0 + ((c + 0.5) / GRID) * (x1 - x0), y1 - ((r + 0.5) / GRID) * (y1 - y0));
      state.grid[(r * GRID + c) * 2] = u; state.grid[(r * GRID + c) * 2 + 1] = v;
    }
  }
  reset();
}

function reset() {
  const hidden = hiddenSizes();
  $("net-hidden").classList.toggle("invalid", hidden === null);
  if (hidden === null) { $("net-note").textContent = "hidden layers: up to 3 numbers of 1..16 neurons, e.g. 8,8"; return; }
  state.net = createNetwork([2, ...hidden, state.classes > 2 ? state.classes : 1], $("net-activation").value, 0);
  state.steps = 0; state.losses = [];
  buildNeuronTiles();
  measure(); draw();
}

// the class each row of output activations stands for: the argmax, or for one sigmoid output p > 0.5
function predicted(p, s, classes) {
  if (classes === 2) return p[s] > 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < classes; k++) if (p[s * classes + k] > p[s * classes + best]) best = k;
  return best;
}

function measure() {
  const { a } = forward(state.net, state.x, state.y.length);
  const p = a[a.length - 1];
  let correct = 0;
  for (let s = 0; s < state.y.length; s++) correct += predicted(p, s, state.classes) === state.y[s];
  state.accuracy = correct / state.y.length;
}

// each place in its most likely class's color, paler the less sure the network is (as the figures)
function classTintInto(pixels, offset, p, s, classes) {
  const best = predicted(p, s, classes), top = p[s * classes + best];
  const t = 0.55 * (top - 1 / classes) / (1 - 1 / classes), [r, g, b] = CLASS_RGB[best];
  pixels[offset] = 255 + (r - 255) * t; pixels[offset + 1] = 255 + (g - 255) * t;
  pixels[offset + 2] = 255 + (b - 255) * t; pixels[offset + 3] = 255;
}

// up to `steps` steps, stopping early once `budget` ms have gone so the frame still gets drawn in time
function train(steps, budget = Infinity) {
  const lr = learningRate(), started = performance.now();
  for (let i = 0; i < steps && (i === 0 || performance.now() - started < budget); i++) {
    const loss = step(state.net, state.x, state.y, lr);
    state.losses.push(loss); state.steps++;
    if (!Number.isFinite(loss)) { state.running = false; break; }
  }
  measure();
}

function buildNeuronTiles() {
  const box = $("toy-neurons");
  box.innerHTML = "";
  state.net.sizes.slice(1, -1).forEach((width, layer) => {
    for (let i = 0; i < width; i++) {
      const figure = document.createElement("figure");
      const canvas = Object.assign(document.createElement("canvas"), { width: TILE, height: TILE, className: "neuron-tile" });
      canvas.style.width = canvas.style.height = "54px";
      canvas.dataset.layer = layer; canvas.dataset.index = i;
      figure.append(canvas, Object.assign(document.createElement("figcaption"), { textContent: `h${layer + 1}.${i + 1}` }));
      box.append(figure);
    }
  });
}

function draw() {
  const started = performance.now();
  const canvas = $("toy-canvas"), ctx = canvas.getContext("2d"), size = canvas.width;
  const { z, a } = forward(state.net, state.grid, GRID * GRID);
  const p = a[a.length - 1];
  const regions = new ImageData(GRID, GRID), classes = state.classes;
  for (let k = 0; k < GRID * GRID; k++) {
    if (classes === 2) tintInto(regions.data, k * 4, p[k]);
    else classTintInto(regions.data, k * 4, p, k, classes);
  }
  const offscreen = Object.assign(document.createElement("canvas"), { width: GRID, height: GRID });
  offscreen.getContext("2d").putImageData(regions, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(offscreen, 0, 0, size, size);
  if (classes === 2) drawBoundary(ctx, (k) => p[k] - 0.5, size);
  else {
    // where each class's output ties with the strongest of the others
    for (let c = 0; c < classes; c++) {
      drawBoundary(ctx, (k) => {
        let other = 0;
        for (let j = 0; j < classes; j++) if (j !== c) other = Math.max(other, p[k * classes + j]);
        return p[k * classes + c] - other;
      }, size);
    }
  }
  if (state.net.sizes.length > 2) drawHiddenLines(ctx, size);
  drawPoints(ctx, size);
  drawTiles(z, a);
  lineChart($("toy-loss"), [{ values: state.losses, color: "#1d2330" }], { log: true });
  const loss = state.losses.length ? state.losses[state.losses.length - 1] : NaN;
  $("net-status").textContent = `step ${state.steps}   loss ${Number.isFinite(loss) ? loss.toFixed(4) : "–"}   `
    + `accuracy ${(100 * state.accuracy).toFixed(1)}%`;
  $("net-status").dataset.accuracy = String(state.accuracy);
  $("net-status").dataset.steps = String(state.steps);
  explain();
  state.drawMs = performance.now() - started;
}

// a boundary by marching squares: in each grid square, join the points where value(k) crosses 0 along
// its edges (two classes: p - 0.5, the 50/50 curve)
function drawBoundary(ctx, value, size) {
  const cell = size / GRID, at = (r, c) => value(r * GRID + c);
  const cross = (va, vb, ra, ca, rb, cb) => {
    const t = va / (va - vb);
    return [(ca + t * (cb - ca) + 0.5) * cell, (ra + t * (rb - ra) + 0.5) * cell];
  };
  ctx.strokeStyle = "#1d2330"; ctx.lineWidth = 2; ctx.beginPath();
  for (let r = 0; r < GRID - 1; r++) {
    for (let c = 0; c < GRID - 1; c++) {
      const v00 = at(r, c), v01 = at(r, c + 1), v10 = at(r + 1, c), v11 = at(r + 1, c + 1);
      const points = [];
      if ((v00 > 0) !== (v01 > 0)) points.push(cross(v00, v01, r, c, r, c + 1));
      if ((v01 > 0) !== (v11 > 0)) points.push(cross(v01, v11, r, c + 1, r + 1, c + 1));
      if ((v11 > 0) !== (v10 > 0)) points.push(cross(v11, v10, r + 1, c + 1, r + 1, c));
      if ((v10 > 0) !== (v00 > 0)) points.push(cross(v10, v00, r + 1, c, r, c));
      for (let k = 0; k + 1 < points.length; k += 2) { ctx.moveTo(...points[k]); ctx.lineTo(...points[k + 1]); }
    }
  }
  ctx.stroke();
}

// each first-layer neuron is zero along a straight line: w1·u + w2·v + b = 0 in standardized units
function drawHiddenLines(ctx, size) {
  const [x0, x1, y0, y1] = state.bounds, { mean, std } = state.scaler;
  const w = state.net.weights[0], b = state.net.biases[0];
  const toCanvas = (x, y) => [((x - x0) / (x1 - x0)) * size, ((y1 - y) / (y1 - y0)) * size];
  ctx.save(); ctx.setLineDash([5, 4]); ctx.strokeStyle = "rgba(40,40,40,.6)"; ctx.lineWidth = 1;
  for (let i = 0; i < b.length; i++) {
    const a1 = w[2 * i] / std[0], a2 = w[2 * i + 1] / std[1], c = b[i] - a1 * mean[0] - a2 * mean[1];
    ctx.beginPath();
    if (Math.abs(a2) > 1e-9) {
      ctx.moveTo(...toCanvas(x0, -(a1 * x0 + c) / a2)); ctx.lineTo(...toCanvas(x1, -(a1 * x1 + c) / a2));
    } else if (Math.abs(a1) > 1e-9) {
      ctx.moveTo(...toCanvas(-c / a1, y0)); ctx.lineTo(...toCanvas(-c / a1, y1));
    }
    ctx.stroke();
  }
  ctx.restore();
}

function drawPoints(ctx, size) {
  const [x0, x1, y0, y1] = state.bounds;
  state.data.points.forEach(([x, y], i) => {
    ctx.fillStyle = CLASS_COLORS[state.data.labels[i]];
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.arc(((x - x0) / (x1 - x0)) * size, ((y1 - y) / (y1 - y0)) * size, 3.6, 0, 2 * Math.PI);
    ctx.fill(); ctx.stroke();
  });
}

// each hidden neuron's activation over the plane, sampled from the region grid
function drawTiles(z, a) {
  const stride = GRID / TILE, sizes = state.net.sizes;
  for (const canvas of document.querySelectorAll(".neuron-tile")) {
    const layer = Number(canvas.dataset.layer), index = Number(canvas.dataset.index), width = sizes[layer + 1];
    const act = a[layer + 1];
    let reach = 1e-6;
    for (let k = index; k < act.length; k += width) reach = Math.max(reach, Math.abs(act[k]));
    const image = new ImageData(TILE, TILE);
    for (let r = 0; r < TILE; r++) {
      for (let c = 0; c < TILE; c++) {
        const k = Math.floor(r * stride) * GRID + Math.floor(c * stride);
        const value = act[k * width + index];
        // tanh spans -1..1, sigmoid 0..1, ReLU 0..its largest value here: all shown on the same orange-blue scale
        const centred = { tanh: value, sigmoid: 2 * value - 1, relu: value / reach }[state.net.activation];
        tintInto(image.data, (r * TILE + c) * 4, 0.5 + centred / 2);
      }
    }
    canvas.getContext("2d").putImageData(image, 0, 0);
  }
}

function explain() {
  const linear = state.net.sizes.length === 2, name = state.data.name;
  let note = "";
  if (state.classes > 2) {
    note = `One output neuron per class, through a softmax: each region is where its class's neuron wins. `
      + (linear ? "A linear model's regions are convex pieces, cut apart by straight lines."
        : "Hidden neurons bend the regions around the data.");
  } else if (linear && name === "xor") {
    note = "A linear model draws one straight line. XOR puts each class in two opposite corners: any line leaves "
      + "at least one corner on the wrong side, so it cannot beat about 75%. Add a hidden layer.";
  } else if (linear) {
    note = "A linear model (logistic regression): its boundary is always one straight line.";
  } else {
    note = "Each hidden neuron splits the plane along its own dashed line; the output combines those half-planes "
      + "into curved regions.";
  }
  $("net-note").textContent = note;
}

function frame() {
  if (!state.running) return;
  const started = performance.now();
  train(Number($("net-speed").value), FRAME_BUDGET_MS - state.drawMs);
  draw();
  window.neuronscopeFrameTimes.push(performance.now() - started);
  if (window.neuronscopeFrameTimes.length > 240) window.neuronscopeFrameTimes.shift();
  requestAnimationFrame(frame);
}

function setRunning(running) {
  state.running = running;
  $("net-run").textContent = running ? "Pause" : "Start";
  if (running) requestAnimationFrame(frame);
}

function showValues() {
  $("toy-n-value").textContent = $("toy-n").value;
  $("toy-noise-value").textContent = Number($("toy-noise").value).toFixed(2);
  $("toy-classes-value").textContent = $("toy-classes").value;
  $("net-lr-value").textContent = learningRate().toPrecision(2);
  $("net-speed-value").textContent = $("net-speed").value;
}

export async function init() {
  const names = await api("/api/basics/toy");
  $("toy-name").innerHTML = names.map((n) => `<option value="${n}"${n === "xor" ? " selected" : ""}>${n}</option>`).join("");
  for (const id of ["toy-name", "toy-n", "toy-noise", "toy-classes"]) $(id).addEventListener("change", loadData);
  for (const id of ["toy-n", "toy-noise", "toy-classes", "net-lr", "net-speed"]) $(id).addEventListener("input", showValues);
  $("toy-csv").addEventListener("change", () => { setRunning(false); loadCSV(); });
  $("net-hidden").addEventListener("change", reset);
  $("net-activation").addEventListener("change", reset);
  for (const button of document.querySelectorAll("[data-hidden]")) {
    button.addEventListener("click", () => { $("net-hidden").value = button.dataset.hidden; reset(); });
  }
  $("net-run").addEventListener("click", () => setRunning(!state.running));
  $("net-step").addEventListener("click", () => { setRunning(false); train(1); draw(); });
  $("net-reset").addEventListener("click", () => { setRunning(false); reset(); });
  showValues();
  await loadData();
}

export function pause() { setRunning(false); }
