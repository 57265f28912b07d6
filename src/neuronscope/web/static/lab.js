// The lab page: drawing pad, live activations of every neuron, neuron inspector, morph.
// The network is evaluated here from its exported weights (network.js), so every pointer
// event is answered within the same frame; the server provides runs, weights and images.
import { centerLikeMnist, forward, prepareLikeDigits, scale, shift } from "./network.js";
import { reach, signedColor } from "/palette.js";
import { $, api, escapeHtml, noteUnavailableRuns } from "./plotting.js";

const PAD_SAMPLE = 56; // the drawing is sent at 56x56; the server fits it into MNIST's 20x20 box
const BRUSH = 18;

const state = {
  run: null, info: null, strokes: [], source: "drawing", image: null, // image: 28x28 when not drawing
  dx: 0, dy: 0, scale: 1, last: null, selected: null,
  morphA: null, morphB: null, inputTime: 0, weights: null,
};
// Input-to-redraw times (ms) of the last strokes, read by the browser benchmark.
window.neuronscopeLatencies = [];

// ---- drawing pad -----------------------------------------------------------------------------
const pad = $("pad"), padCtx = pad.getContext("2d");

function paintStrokes() {
  padCtx.fillStyle = "#000"; padCtx.fillRect(0, 0, pad.width, pad.height);
  padCtx.strokeStyle = "#fff"; padCtx.lineWidth = BRUSH; padCtx.lineCap = "round"; padCtx.lineJoin = "round";
  for (const stroke of state.strokes) {
    padCtx.beginPath();
    stroke.forEach(([x, y], i) => (i ? padCtx.lineTo(x, y) : padCtx.moveTo(x, y)));
    if (stroke.length === 1) padCtx.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
    padCtx.stroke();
  }
}

function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
}

pad.addEventListener("pointerdown", (event) => {
  pad.setPointerCapture(event.pointerId);
  if (state.source !== "drawing") { state.strokes = []; state.source = "drawing"; }
  state.strokes.push([padPoint(event)]);
  state.inputTime = event.timeStamp;
  paintStrokes(); update();
});
pad.addEventListener("pointermove", (event) => {
  if (!pad.hasPointerCapture(event.pointerId) || !state.strokes.length) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const e of events) state.strokes[state.strokes.length - 1].push(padPoint(e));
  state.inputTime = event.timeStamp;
  paintStrokes(); update();
});
pad.addEventListener("pointerup", (event) => pad.releasePointerCapture(event.pointerId));

function drawingPixels() {
  const small = document.createElement("canvas");
  small.width = small.height = PAD_SAMPLE;
  const ctx = small.getContext("2d");
  ctx.imageSmoothingEnabled = true; ctx.imageSmoothingQuality = "high";
  ctx.drawImage(pad, 0, 0, PAD_SAMPLE, PAD_SAMPLE);
  const rgba = ctx.getImageData(0, 0, PAD_SAMPLE, PAD_SAMPLE).data;
  const pixels = new Array(PAD_SAMPLE * PAD_SAMPLE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(rgba[4 * i] / 2.55) / 100;
  return pixels;
}

// ---- evaluation ---------------------------------------------------------------------------------
// How a drawing becomes an input: the way the run's digits were made (MNIST 28x28, or 8x8 digits).
const drawingPreparation = ([h, w]) => (h === 8 && w === 8 ? "digits" : "mnist");
const PREPARE = { mnist: centerLikeMnist, digits: prepareLikeDigits };

// The same request the server's /infer takes; the page computes its answer itself.
function currentRequest() {
  const [h, w] = state.info.image_shape;
  const base = state.source === "drawing"
    ? { pixels: drawingPixels(), height: PAD_SAMPLE, width: PAD_SAMPLE, preprocess: drawingPreparation([h, w]) }
    : { pixels: state.image, height: h, width: w, preprocess: "none" };
  return { ...base, dx: state.dx, dy: state.dy, scale: state.scale };
}

function evaluate(request) {
  const [h, w] = state.info.image_shape;
  let image = Float32Array.from(request.pixels);
  if (request.preprocess in PREPARE) image = PREPARE[request.preprocess](image, request.height, request.width);
  if ((request.scale ?? 1) !== 1) image = scale(image, h, w, request.scale);
  if (request.dx || request.dy) image = shift(image, h, w, request.dx || 0, request.dy || 0);
  return forward(state.weights, state.info.layer_names, image);
}

function update() {
  if (!state.info || !state.weights) return;
  const inputTime = state.inputTime;
  state.inputTime = 0;
  state.last = evaluate(currentRequest());
  render(state.last);
  placeOnMap();
  tellEmbedder(state.last);
  if (inputTime) {
    window.neuronscopeLatencies.push(performance.now() - inputTime);
    if (window.neuronscopeLatencies.length > 1000) window.neuronscopeLatencies.shift();
  }
}

// Embedded in a notebook widget, the page tells the notebook what the network answers.
function tellEmbedder(result) {
  if (window.parent === window) return;
  window.parent.postMessage({ neuronscope: "answer", prediction: result.prediction,
    probabilities: Array.from(result.probabilities) }, "*");
}

// ---- rendering --------------------------------------------------------------------------------
function paintImage(canvas, values, [h, w], color) {
  const small = document.createElement("canvas");
  small.width = w; small.height = h;
  const ctx = small.getContext("2d"), img = ctx.createImageData(w, h);
  values.forEach((v, i) => { const [r, g, b] = color(v); img.data.set([r, g, b, 255], 4 * i); });
  ctx.putImageData(img, 0, 0);
  const out = canvas.getContext("2d");
  out.imageSmoothingEnabled = false;
  out.clearRect(0, 0, canvas.width, canvas.height);
  out.drawImage(small, 0, 0, canvas.width, canvas.height);
}

const gray = (v) => [255 * v, 255 * v, 255 * v];

// A conv layer's channels are shown as their feature maps, drawn this many screen pixels across.
const MAP_WIDTH = { conv1: 56, conv2: 42 };

function buildNetwork() {
  const layers = $("layers"); layers.innerHTML = "";
  state.info.layer_names.slice(0, -1).forEach((name, l) => {
    const block = document.createElement("div"), count = state.info.layers[l + 1], map = state.info.map_shapes[name];
    block.className = "layer";
    const what = map ? `${count} channels, each a ${map.join("×")} feature map` : `${count} neurons`;
    block.innerHTML = `<div class="layer-name">${escapeHtml(name)} · ${what}</div><div class="cells"></div>`;
    const cells = block.querySelector(".cells");
    for (let i = 0; i < count; i++) {
      const cell = document.createElement(map ? "canvas" : "div");
      cell.className = map ? "cell map" : "cell"; cell.dataset.layer = name; cell.dataset.index = i;
      if (map) {
        [cell.height, cell.width] = map;
        cell.style.width = `${MAP_WIDTH[name] ?? 48}px`;
      }
      cell.title = `${name} #${i}`;
      cell.addEventListener("click", () => selectNeuron(name, i));
      cells.appendChild(cell);
    }
    layers.appendChild(block);
  });
  $("sample-label").innerHTML = `<option value="">any</option>` +
    state.info.class_names.map((name, i) => `<option value="${i}">${escapeHtml(name)}</option>`).join("");
  const outputs = $("outputs"); outputs.innerHTML = "";
  state.info.class_names.forEach((label, i) => {
    const row = document.createElement("div");
    row.className = "out-row"; row.dataset.index = i;
    row.innerHTML = `<span>${escapeHtml(label)}</span><div class="out-bar"><span style="width:0%"></span></div><span class="p">–</span>`;
    row.addEventListener("click", () => selectNeuron("output", i));
    outputs.appendChild(row);
  });
}

// Feature maps in gray, each layer on one scale (its largest value now), so channels compare.
function renderMaps(name, values, [h, w]) {
  const top = Math.max(1e-6, values.reduce((m, v) => (v > m ? v : m), 0)), size = h * w;
  document.querySelectorAll(`.cell[data-layer="${name}"]`).forEach((canvas, c) => {
    const ctx = canvas.getContext("2d"), img = ctx.createImageData(w, h);
    let peak = 0;
    for (let i = 0; i < size; i++) {
      const v = values[c * size + i], level = 255 * Math.min(1, v / top);
      img.data.set([level, level, level, 255], 4 * i);
      peak = Math.max(peak, v);
    }
    ctx.putImageData(img, 0, 0);
    canvas.dataset.activation = peak.toFixed(4);
  });
}

function render(result) {
  paintImage($("input-view"), result.input, state.info.image_shape, gray);
  for (const [name, values] of Object.entries(result.activations)) {
    if (name === "output") continue;
    if (state.info.map_shapes[name]) { renderMaps(name, values, state.info.map_shapes[name]); continue; }
    const top = state.info.activation === "sigmoid" || state.info.activation === "tanh" ? 1 : Math.max(1e-6, ...values);
    document.querySelectorAll(`.cell[data-layer="${name}"]`).forEach((cell, i) => {
      const a = values[i], level = Math.round(255 * Math.max(0, Math.min(1, Math.abs(a) / top)));
      cell.style.background = `rgb(${level},${level},${level})`;
      cell.dataset.activation = a.toFixed(4);
    });
  }
  const top = result.prediction;
  document.querySelectorAll(".out-row").forEach((row, i) => {
    const p = result.probabilities[i];
    row.classList.toggle("top", i === top);
    row.querySelector(".out-bar span").style.width = `${(100 * p).toFixed(1)}%`;
    row.querySelector(".p").textContent = state.info.output === "sigmoid" ? p.toFixed(2) : `${(100 * p).toFixed(1)}%`;
    row.dataset.probability = p.toFixed(4);
  });
  $("prediction").textContent = state.info.class_names[top];
  // sigmoid outputs are independent activations, not a distribution over classes
  $("confidence").textContent = state.info.output === "sigmoid"
    ? `output activation ${result.confidence.toFixed(2)}` : `${(100 * result.confidence).toFixed(1)}% sure`;
  if (state.selected) showNeuron();
}

// ---- neuron inspector -------------------------------------------------------------------------
async function selectNeuron(layer, index) {
  document.querySelectorAll(".cell.selected").forEach((c) => c.classList.remove("selected"));
  document.querySelector(`.cell[data-layer="${layer}"][data-index="${index}"]`)?.classList.add("selected");
  const at = timelapse.epoch === null ? "" : `?epoch=${timelapse.epoch}`;
  state.selected = await api(`/api/runs/${state.run}/neurons/${layer}/${index}${at}`);
  showNeuron();
}

// The second picture beside a neuron's weights: what those weights make of the current input (dense
// networks, whose weights images lie over the pixels), or a conv channel's feature map now.
function showSecondView(n) {
  const map = state.info.map_shapes[n.layer], canvas = $("neuron-revealed");
  const overPixels = state.info.kind !== "convnet";
  canvas.parentElement.hidden = !map && !overPixels;
  if (map) {
    const size = map[0] * map[1];
    const values = state.last ? state.last.activations[n.layer].slice(n.index * size, (n.index + 1) * size)
      : new Float32Array(size);
    const top = Math.max(1e-6, ...values);
    paintImage(canvas, Array.from(values), map, (v) => gray(Math.min(1, v / top)));
    $("revealed-caption").textContent = "its feature map now (white = most active)";
  } else if (overPixels) {
    const input = state.last ? state.last.input : n.weights_image.map(() => 0);
    const revealed = n.weights_image.map((w, i) => w * input[i]);
    const revealedReach = reach(revealed);
    paintImage(canvas, revealed, n.image_shape, (v) => signedColor(v, revealedReach));
    $("revealed-caption").textContent = "weights × current input";
  }
}

// What a unit shows as its activation: a neuron's value, a conv channel's peak over its feature map.
function unitActivation(layer, index) {
  const values = state.last?.activations[layer], map = state.info.map_shapes[layer];
  if (!values) return undefined;
  if (!map) return values[index];
  const size = map[0] * map[1];
  return values.slice(index * size, (index + 1) * size).reduce((m, v) => (v > m ? v : m), 0);
}

function showNeuron() {
  const n = state.selected, shape = n.image_shape;
  // the layer's reach, as in its figure, so the same weight has the same color on the page and in the figure
  paintImage($("neuron-weights"), n.weights_image, shape, (v) => signedColor(v, n.reach));
  $("weights-caption").textContent = n.reads;
  showSecondView(n);
  const name = n.layer === "output" ? `output ${state.info.class_names[n.index]}` : `${n.layer} #${n.index}`;
  $("neuron-title").textContent = name;
  const act = unitActivation(n.layer, n.index);
  const peak = state.info.map_shapes[n.layer] ? "peak activation" : "activation";
  $("neuron-activation").textContent = act === undefined ? "" : `${peak} ${act.toFixed(3)}`;
  const effects = n.class_effects.map((v, i) => [v, state.info.class_names[i]]).sort((a, b) => b[0] - a[0]);
  const fmt = ([v, name]) => `${escapeHtml(name)} (${v >= 0 ? "+" : ""}${v.toFixed(2)})`;
  $("neuron-digits").innerHTML = effects.length ? `<span class="up">pushes up ${effects.slice(0, 3).map(fmt).join(", ")}</span><br>
    <span class="down">pushes down ${effects.slice(-3).reverse().map(fmt).join(", ")}</span>
    ${n.class_effects_direct ? "" : "<br><span class='note'>through the layers above, as a linear view</span>"}` : "";
  $("neuron-pushes").innerHTML = n.pushes.map((p) => {
    const target = escapeHtml(p.layer === "output" ? `digit ${state.info.class_names[p.index]}` : `${p.layer} #${p.index}`);
    return `<li class="${p.weight >= 0 ? "up" : "down"}">pushes ${target} ${p.weight >= 0 ? "up" : "down"} (${p.weight >= 0 ? "+" : ""}${p.weight.toFixed(2)})</li>`;
  }).join("");
}

// ---- buttons ------------------------------------------------------------------------------------
function useImage(pixels, note) {
  state.source = "image"; state.image = pixels; state.strokes = [];
  paintStrokes();
  $("source-note").textContent = note;
  update();
}

$("undo").onclick = () => { state.strokes.pop(); state.source = "drawing"; paintStrokes(); update(); };
$("clear").onclick = () => { state.strokes = []; state.source = "drawing"; paintStrokes(); $("source-note").textContent = ""; update(); };
$("noise").onclick = () => {
  const [h, w] = state.info.image_shape;
  useImage(Array.from({ length: h * w }, () => Math.random()), "uniform random noise: not a digit at all");
};
$("sample").onclick = async () => {
  const label = $("sample-label").value;
  const s = await api(`/api/runs/${state.run}/samples${label === "" ? "" : `?label=${label}`}`);
  useImage(s.pixels, `test image #${s.index}, labeled ${state.info.class_names[s.label]}`);
};
document.querySelectorAll("#transform button[data-dx], #transform button[data-dy], #transform button[data-scale]").forEach((b) => {
  b.onclick = () => {
    state.dx += Number(b.dataset.dx || 0); state.dy += Number(b.dataset.dy || 0);
    state.scale = Math.min(4, Math.max(0.25, state.scale * Number(b.dataset.scale || 1)));
    showTransform(); update();
  };
});
$("reset-transform").onclick = () => { state.dx = state.dy = 0; state.scale = 1; showTransform(); update(); };
function showTransform() {
  $("transform-state").textContent = state.dx || state.dy || state.scale !== 1
    ? `shifted ${state.dx}, ${state.dy} px; scaled ×${state.scale.toFixed(2)}` : "";
}

// ---- morph --------------------------------------------------------------------------------------
$("morph-a").onclick = () => { state.morphA = state.last?.input; updateMorph(); };
$("morph-b").onclick = () => { state.morphB = state.last?.input; updateMorph(); };
const mix = (t) => state.morphA.map((a, i) => (1 - t) * a + t * state.morphB[i]);

function updateMorph() {
  const ready = state.morphA && state.morphB;
  $("morph-slider").disabled = !ready;
  if (!ready) { $("morph-note").textContent = state.morphA ? "A is set; now set B." : "Set A first."; return; }
  const [h, w] = state.info.image_shape;
  const steps = Array.from({ length: 21 }, (_, k) => k / 20);
  const results = steps.map((t) => evaluate({ pixels: mix(t), height: h, width: w, preprocess: "none" }));
  $("morph-strip").innerHTML = results.map((r, k) => {
    const flip = k > 0 && r.prediction !== results[k - 1].prediction;
    return `<span class="${flip ? "flip" : ""}" data-step="${k}">${escapeHtml(state.info.class_names[r.prediction])}</span>`;
  }).join("");
  const flips = results.findIndex((r, k) => k > 0 && r.prediction !== results[k - 1].prediction);
  $("morph-note").textContent = flips < 0 ? "The prediction never changes along the path."
    : `The prediction first flips at ${(100 * flips / 20).toFixed(0)}% of the way from A to B.`;
}
$("morph-slider").oninput = () => {
  const k = Number($("morph-slider").value);
  document.querySelectorAll("#morph-strip span").forEach((s) => s.classList.toggle("current", Number(s.dataset.step) === k));
  useImage(mix(k / 20), `morph: ${(100 * k / 20).toFixed(0)}% of the way from A to B`);
};

// ---- map of activation space --------------------------------------------------------------------
// The server places a thousand test images by PCA or t-SNE of one layer's activations; the page puts
// the current input on the same map itself, every frame: by the PCA projection, or (t-SNE cannot place
// new points) at the mean position of its nearest test images in activation space.
const MAP_NEIGHBOURS = 5, MAP_MARGIN = 26;
const activationMap = { data: null, base: null, asked: 0, box: null };

async function setupMap() {
  const layers = state.info.layer_names, select = $("map-layer");
  select.innerHTML = layers.map((name) => `<option>${escapeHtml(name)}</option>`).join("");
  select.value = layers.length > 1 ? layers[layers.length - 2] : layers[0];
  await loadMap();
}

// (a lab exported to one file has no server to place the test images)
function showMapError(error) {
  $("map-status").textContent = "";
  $("map-canvas").hidden = true;
  $("map-note").textContent = error.message === "not in this file"
    ? "The map of activation space needs the lab's server: neuronscope serve RUN." : `No map: ${error.message}`;
}

async function loadMap() {
  const layer = $("map-layer").value, method = $("map-method").value, run = state.run, asked = ++activationMap.asked;
  activationMap.data = null;
  $("map-status").textContent = method === "pca" ? "" : "placing the test images by t-SNE (a few seconds)…";
  const data = await api(`/api/runs/${encodeURIComponent(run)}/map?layer=${encodeURIComponent(layer)}&method=${method}`);
  if (asked !== activationMap.asked || run !== state.run) return; // another map was asked for meanwhile
  activationMap.data = data;
  $("map-status").textContent = "";
  $("map-canvas").hidden = false;
  $("map-note").textContent = `${data.coords.length} test images, colored by their true class; your input `
    + `(★) is placed ${data.placement}.`;
  drawMapBase();
  placeOnMap();
}
$("map-layer").onchange = () => loadMap().catch(showMapError);
$("map-method").onchange = () => loadMap().catch(showMapError);

function mapTransform(coords, size) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of coords) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const span = size - 2 * MAP_MARGIN;
  return ([x, y]) => [MAP_MARGIN + span * (x - x0) / Math.max(x1 - x0, 1e-9),
    MAP_MARGIN + span * (1 - (y - y0) / Math.max(y1 - y0, 1e-9))];
}

function drawMapBase() {
  const data = activationMap.data, canvas = $("map-canvas"), size = canvas.width;
  const base = document.createElement("canvas");
  base.width = base.height = size;
  const ctx = base.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, size, size);
  activationMap.box = mapTransform(data.coords, size);
  ctx.globalAlpha = 0.6;
  data.coords.forEach((point, i) => {
    const [x, y] = activationMap.box(point);
    ctx.fillStyle = data.colors[data.labels[i] % data.colors.length];
    ctx.beginPath(); ctx.arc(x, y, 2.2, 0, 2 * Math.PI); ctx.fill();
  });
  ctx.globalAlpha = 1;
  const [h, w] = state.info.image_shape, side = 26;
  for (const thumb of data.thumbnails) {
    const [x, y] = activationMap.box(data.coords[thumb.point]);
    const tile = document.createElement("canvas");
    tile.width = tile.height = side;
    paintImage(tile, thumb.pixels.map((v) => 1 - v), [h, w], gray); // dark ink on white, as in the figures
    ctx.drawImage(tile, x - side / 2, y - side / 2);
    ctx.strokeStyle = data.colors[data.labels[thumb.point] % data.colors.length]; ctx.lineWidth = 2;
    ctx.strokeRect(x - side / 2, y - side / 2, side, side);
  }
  activationMap.base = base;
}

// The current input's units in the map's layer: a neuron's activation, a conv channel's peak.
function mapVector(layer) {
  const values = state.last?.activations[layer];
  if (!values) return null;
  const map = state.info.map_shapes[layer];
  if (!map) return Array.from(values);
  const size = map[0] * map[1], channels = values.length / size;
  return Array.from({ length: channels }, (_, c) => unitActivation(layer, c));
}

function mapPosition(data, vector) {
  if (data.method === "pca") {
    return data.components.map((direction) => direction.reduce((s, d, i) => s + d * (vector[i] - data.mean[i]), 0));
  }
  const distances = data.activations.map((row, k) => [row.reduce((s, v, i) => s + (v - vector[i]) ** 2, 0), k]);
  distances.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const nearest = distances.slice(0, MAP_NEIGHBOURS);
  return [0, 1].map((axis) => nearest.reduce((s, [, k]) => s + data.coords[k][axis], 0) / nearest.length);
}

function placeOnMap() {
  const data = activationMap.data, canvas = $("map-canvas");
  if (!data || !activationMap.base || data.layer !== $("map-layer").value) return;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(activationMap.base, 0, 0);
  const vector = mapVector(data.layer);
  if (!vector) return;
  const position = mapPosition(data, vector);
  const [x, y] = activationMap.box(position).map((v) => Math.min(canvas.width - 8, Math.max(8, v)));
  canvas.dataset.x = position[0].toFixed(4); canvas.dataset.y = position[1].toFixed(4);
  ctx.font = "22px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
  ctx.lineWidth = 4; ctx.strokeStyle = "#fff"; ctx.strokeText("★", x, y);
  ctx.fillStyle = "#1d2330"; ctx.fillText("★", x, y);
}

// ---- training time-lapse (runs trained with --snapshots) -----------------------------------------
// Scrubbing swaps in the network as it was after that epoch: every neuron, the answer and the
// inspector then show that network, and the first layer's weights images show how far they had formed.
const timelapse = { epochs: [], accuracy: [], weights: new Map(), epoch: null, timer: null };

async function setupTimelapse(name) {
  stopReplay();
  Object.assign(timelapse, { epochs: [], accuracy: [], weights: new Map(), epoch: null });
  $("timelapse").hidden = true;
  const kept = await api(`/api/runs/${name}/snapshots`);
  if (state.run !== name || kept.epochs.length < 2) return;
  Object.assign(timelapse, { epochs: kept.epochs, accuracy: kept.test_accuracy });
  const slider = $("timelapse-slider");
  slider.max = kept.epochs.length - 1; slider.value = slider.max;
  $("timelapse").hidden = false;
  await showEpoch(kept.epochs.length - 1);
}

async function weightsAt(epoch) {
  if (!timelapse.weights.has(epoch)) {
    const asked = api(`/api/runs/${state.run}/weights?epoch=${epoch}`);
    asked.catch(() => timelapse.weights.delete(epoch)); // ask again next time
    timelapse.weights.set(epoch, asked);
  }
  return timelapse.weights.get(epoch);
}

async function showEpoch(k) {
  const epoch = timelapse.epochs[k], run = state.run;
  const weights = await weightsAt(epoch);
  if (state.run !== run || Number($("timelapse-slider").value) !== k) return; // scrubbed on meanwhile
  state.weights = weights;
  timelapse.epoch = epoch;
  const accuracy = timelapse.accuracy[k];
  $("timelapse-epoch").textContent = (epoch === 0 ? "untrained" : `epoch ${epoch} of ${timelapse.epochs.at(-1)}`)
    + (accuracy == null ? "" : ` · ${(100 * accuracy).toFixed(1)}% on test`);
  $("timelapse").dataset.epoch = epoch;
  paintFirstLayer();
  update();
  if (state.selected) selectNeuron(state.selected.layer, state.selected.index);
}

// Every first-layer neuron's weights image at the chosen epoch, on one reach (the palette's rule).
function paintFirstLayer() {
  const box = $("timelapse-weights"), layer = state.weights.layers[0];
  if (state.info.kind !== "mlp") { box.replaceChildren(); return; }
  const shape = state.info.image_shape, count = Math.min(layer.outputs, 32), size = layer.inputs;
  const shared = reach(layer.weight);
  if (box.children.length !== count) {
    box.replaceChildren(...Array.from({ length: count }, (_, i) => {
      const canvas = document.createElement("canvas");
      [canvas.height, canvas.width] = shape;
      canvas.title = `${state.info.layer_names[0]} #${i}`;
      canvas.addEventListener("click", () => selectNeuron(state.info.layer_names[0], i));
      return canvas;
    }));
  }
  [...box.children].forEach((canvas, i) => {
    paintImage(canvas, layer.weight.slice(i * size, (i + 1) * size), shape, (v) => signedColor(v, shared));
  });
}

function stopReplay() {
  clearInterval(timelapse.timer);
  timelapse.timer = null;
  $("timelapse-play").textContent = "▶ replay training";
}

$("timelapse-slider").oninput = () => { stopReplay(); showEpoch(Number($("timelapse-slider").value)); };
$("timelapse-play").onclick = () => {
  if (timelapse.timer) { stopReplay(); return; }
  const slider = $("timelapse-slider");
  let k = 0;
  $("timelapse-play").textContent = "■ stop";
  const step = () => {
    slider.value = k; showEpoch(k);
    if (++k > Number(slider.max)) stopReplay();
  };
  step();
  timelapse.timer = setInterval(step, 400);
};

// ---- runs -----------------------------------------------------------------------------------------
async function selectRun(name) {
  state.run = name;
  [state.info, state.weights] = await Promise.all([api(`/api/runs/${name}`), api(`/api/runs/${name}/weights`)]);
  const acc = state.info.test_accuracy == null ? "" : `, ${(100 * state.info.test_accuracy).toFixed(2)}% on test`;
  const shape = state.info.kind === "convnet" ? state.info.architecture
    : `${state.info.layers.join("-")} ${state.info.activation}`;
  $("run-info").textContent = `${shape} on ${state.info.dataset}`
    + ` · ${state.info.parameters.toLocaleString("en")} weights and biases${acc}`;
  $("input-title").textContent = `What the network sees (${state.info.image_shape.join("×")})`;
  $("gallery-link").href = `/gallery?run=${encodeURIComponent(name)}`;
  $("gallery-link").hidden = state.info.kind === "convnet"; // the gallery draws dense networks' figures
  $("network-note").textContent = state.info.kind === "convnet"
    ? "Each small picture is one channel's feature map, live: white where its filter finds what it looks for. "
      + "Squares are dense neurons. Click any to look inside."
    : "Each square is a neuron: the brighter, the more active. Click one to look inside.";
  state.selected = null; state.morphA = state.morphB = null;
  try { // relative: works from file:// too; a notebook's srcdoc frame has no address to change
    history.replaceState(null, "", `?run=${encodeURIComponent(name)}`);
  } catch { /* the address is only a convenience */ }
  buildNetwork(); paintStrokes(); update();
  showHealth(name).catch(() => { $("run-health").hidden = true; });
  setupTimelapse(name).catch(() => { $("timelapse").hidden = true; });
  setupMap().catch(showMapError);
}

// What went wrong in training, each hint naming its neurons (computed once per run by the server)
async function showHealth(name) {
  const box = $("run-health");
  box.hidden = true;
  const hints = await api(`/api/runs/${name}/health`);
  if (state.run !== name) return; // another run was chosen meanwhile
  box.replaceChildren(...hints.map((hint) => {
    const line = document.createElement("p");
    line.dataset.kind = hint.kind;
    const where = document.createElement("b");
    where.textContent = `${hint.layer}: `;
    line.append(where, hint.message);
    return line;
  }));
  box.hidden = !hints.length;
}

async function start() {
  noteUnavailableRuns().catch(() => {});
  const runs = await api("/api/runs");
  const select = $("run-select");
  select.innerHTML = runs.map((r) => `<option value="${escapeHtml(r.name)}">${escapeHtml(r.name)}</option>`).join("");
  const wanted = new URLSearchParams(location.search).get("run");
  const initial = runs.find((r) => r.name === wanted)?.name || runs[0]?.name;
  select.onchange = () => selectRun(select.value);
  if (!initial) { $("run-info").textContent = "no runs found: train one with `neuronscope train`"; return; }
  select.value = initial;
  await selectRun(initial);
  document.body.dataset.ready = "true";
}

window.neuronscopeEvaluate = evaluate; // lets tests compare the page's arithmetic with the server's
window.neuronscopeLastInput = () => state.last?.input;

start();
