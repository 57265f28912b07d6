// The vision page: convolution by hand, a ConvNet's kernels and feature maps, feature visualization,
// adversarial examples and dreams. Convolution runs here in the page; the rest comes from /api/vision.
import { reach, signedColor } from "/palette.js";
import { $, api, errorLine, followHashTabs, lineChart, noteUnavailableRuns, postJSON } from "./plotting.js";

const TABS = ["convolution", "inside", "wants", "fool", "dream"];
const state = { runs: [], run: null, index: 0, sample: null, kernels: {}, kernel: null };

const { report, guarded } = errorLine("vision-error");

// ---- drawing ---------------------------------------------------------------------------------------

// pixels in [0, 1], (C, H, W) flattened: grayscale as dark ink on white (as digits are seen on paper)
export function drawImage(canvas, pixels, shape) {
  const [c, h, w] = shape, ctx = canvas.getContext("2d"), image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++) {
      const v = c === 3 ? pixels[k * h * w + i] : 1 - pixels[i];
      image.data[4 * i + k] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
    image.data[4 * i + 3] = 255;
  }
  blit(canvas, image, w, h);
}

// signed values: blue positive, red negative, white 0, symmetric around 0 (as every weights figure)
export function drawSigned(canvas, values, h, w, reachValue = null) {
  reachValue = reachValue || reach(values);
  const ctx = canvas.getContext("2d"), image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    image.data.set(signedColor(values[i], reachValue), 4 * i);
    image.data[4 * i + 3] = 255;
  }
  blit(canvas, image, w, h);
}

// non-negative activations: black through purple and orange to yellow
function drawHeat(canvas, values, h, w, top) {
  const stops = [[0, 0, 4], [120, 28, 109], [237, 105, 37], [252, 255, 164]];
  const ctx = canvas.getContext("2d"), image = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const t = Math.min(1, Math.max(0, values[i] / (top || 1))) * (stops.length - 1);
    const j = Math.min(stops.length - 2, Math.floor(t)), f = t - j;
    for (let k = 0; k < 3; k++) image.data[4 * i + k] = stops[j][k] + (stops[j + 1][k] - stops[j][k]) * f;
    image.data[4 * i + 3] = 255;
  }
  blit(canvas, image, w, h);
}

function blit(canvas, image, w, h) {
  const small = new OffscreenCanvas(w, h);
  small.getContext("2d").putImageData(image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function tile(container, label, size, draw, onClick) {
  const box = document.createElement("div"), canvas = document.createElement("canvas"), caption = document.createElement("span");
  box.className = "tile";
  canvas.width = canvas.height = size;
  caption.textContent = label;
  box.append(canvas, caption);
  container.append(box);
  draw(canvas);
  if (onClick) box.addEventListener("click", () => onClick(box));
  return box;
}

const className = (k) => (state.run?.class_names[k] ?? String(k));
const percent = (p) => `${(100 * p).toFixed(1)}%`;

// ---- convolution -----------------------------------------------------------------------------------

// cross-correlation with zeros outside, per color channel: the same sums as the library's convolve
export function convolve(pixels, shape, kernel) {
  const [c, h, w] = shape, k = kernel.length, r = (k - 1) / 2, out = new Float64Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let i = 0; i < k; i++) {
          const yy = y + i - r;
          if (yy < 0 || yy >= h) continue;
          for (let j = 0; j < k; j++) {
            const xx = x + j - r;
            if (xx >= 0 && xx < w) sum += kernel[i][j] * pixels[ch * h * w + yy * w + xx];
          }
        }
        out[ch * h * w + y * w + x] = sum;
      }
  return out;
}

function kernelGrid() {
  const k = state.kernel.length, grid = $("kernel-grid");
  grid.style.gridTemplateColumns = `repeat(${k}, auto)`;
  grid.replaceChildren(...state.kernel.flatMap((row, i) => row.map((value, j) => {
    const input = document.createElement("input");
    input.type = "number";
    input.step = "0.1";
    input.value = +value.toFixed(4);
    input.dataset.row = i;
    input.dataset.col = j;
    input.addEventListener("input", () => {
      const v = Number(input.value);
      if (Number.isFinite(v)) { state.kernel[i][j] = v; $("kernel-name").value = "custom"; redrawConvolution(); }
    });
    return input;
  })));
}

function chooseKernel(name) {
  const size = Number($("kernel-size").value);
  if (name !== "custom") state.kernel = state.kernels[name].map((row) => [...row]);
  if (state.kernel.length !== size) {  // resize, keeping the center
    const old = state.kernel, d = (size - old.length) / 2;
    state.kernel = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) =>
      old[i - d]?.[j - d] ?? 0));
    $("kernel-name").value = "custom";
  }
  $("kernel-size").value = String(state.kernel.length);
  kernelGrid();
  redrawConvolution();
}

function redrawConvolution() {
  const { pixels, shape } = state.sample, kernel = state.kernel, k = kernel.length;
  drawImage($("conv-input"), pixels, shape);
  drawSigned($("conv-kernel"), kernel.flat(), k, k);
  const out = convolve(pixels, shape, kernel);
  state.convolved = out;
  const signed = out.some((v) => v < -1e-9), [c, h, w] = shape;
  if (signed) {
    const plane = c === 1 ? Array.from(out) : Array.from({ length: h * w }, (_, i) => (out[i] + out[h * w + i] + out[2 * h * w + i]) / 3);
    drawSigned($("conv-output"), plane, h, w);
    $("conv-output-caption").textContent = "output (blue +, red −)";
  } else {
    drawImage($("conv-output"), Array.from(out, (v) => Math.min(1, v)), shape);
    $("conv-output-caption").textContent = "output";
  }
  $("conv-output").dataset.sum = String(out.reduce((a, b) => a + b, 0));
}

function spellOut(event) {
  const { pixels, shape } = state.sample, [, h, w] = shape, canvas = $("conv-output");
  const x = Math.floor(event.offsetX / canvas.clientWidth * w), y = Math.floor(event.offsetY / canvas.clientHeight * h);
  const k = state.kernel.length, r = (k - 1) / 2, lines = [];
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const terms = [];
    for (let j = 0; j < k; j++) {
      const yy = y + i - r, xx = x + j - r;
      const p = yy >= 0 && yy < h && xx >= 0 && xx < w ? pixels[yy * w + xx] : 0;
      sum += state.kernel[i][j] * p;
      terms.push(`${state.kernel[i][j].toFixed(2).padStart(6)}×${p.toFixed(2)}`);
    }
    lines.push(terms.join("  "));
  }
  $("conv-spelled").textContent = `output at row ${y}, column ${x}${shape[0] === 3 ? " (red channel)" : ""}:\n`
    + lines.join("\n") + `\n= ${sum.toFixed(4)}`;
}

// ---- inside the ConvNet ----------------------------------------------------------------------------

async function showInside() {
  const run = state.run;
  $("kernels").replaceChildren();
  $("maps").replaceChildren();
  $("top-images").replaceChildren();
  if (!run.conv_layers.length) {
    $("inside-note").textContent = `${run.name} has no convolutional layers: train one with \`neuronscope convnet train\`.`;
    return;
  }
  $("inside-note").textContent = "";
  const kernels = await api(`/api/vision/${run.name}/kernels`);
  // as the kernels figure: color kernels stretched by their largest weight, gray ones by the palette's reach
  const [n, c, k] = kernels.shape, size = k * k * c, largest = Math.max(...kernels.values.map(Math.abs));
  const shared = reach(kernels.values);
  for (let i = 0; i < n; i++) {
    const values = kernels.values.slice(i * size, (i + 1) * size);
    tile($("kernels"), `#${i}`, 56, (canvas) => c === 3
      ? drawImage(canvas, values.map((v) => (v / largest + 1) / 2), [3, k, k])
      : drawSigned(canvas, values, k, k, shared));
  }
  const maps = await api(`/api/vision/${run.name}/maps?index=${state.index}`);
  for (const layer of maps.layers) {
    const [channels, h, w] = layer.shape, top = Math.max(1e-9, ...layer.values);
    const title = document.createElement("div"), row = document.createElement("div");
    title.className = "map-layer";
    title.textContent = `${layer.name}: ${channels} channels of ${h}×${w}`;
    row.className = "tiles";
    $("maps").append(title, row);
    for (let ch = 0; ch < channels; ch++) {
      const box = tile(row, `${ch}`, 64, (canvas) => drawHeat(canvas, layer.values.slice(ch * h * w, (ch + 1) * h * w), h, w, top),
        (clicked) => guarded(() => showTop(layer.name, ch, clicked)));
      box.dataset.layer = layer.name;
      box.dataset.channel = ch;
    }
  }
}

async function showTop(layer, channel, box) {
  document.querySelectorAll("#maps .tile.selected").forEach((t) => t.classList.remove("selected"));
  box.classList.add("selected");
  $("top-title").textContent = `The test images that excite ${layer}:${channel} most (+ where it fires hardest)`;
  const found = await api(`/api/vision/${state.run.name}/top?layer=${encodeURIComponent(layer)}&channel=${channel}&k=12`);
  const shape = state.run.input_shape;
  $("top-images").replaceChildren();
  for (const image of found.images) {
    tile($("top-images"), `${className(image.label)} ${image.value.toFixed(2)}`, 84, (canvas) => {
      drawImage(canvas, image.pixels, shape);
      const ctx = canvas.getContext("2d"), sx = canvas.width / shape[2], sy = canvas.height / shape[1];
      ctx.strokeStyle = "#e8590c";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(image.col * sx - 6, image.row * sy);
      ctx.lineTo(image.col * sx + 6, image.row * sy);
      ctx.moveTo(image.col * sx, image.row * sy - 6);
      ctx.lineTo(image.col * sx, image.row * sy + 6);
      ctx.stroke();
    });
  }
  $("top-images").dataset.count = String(found.images.length);
}

// ---- what it wants to see --------------------------------------------------------------------------

async function render() {
  const units = $("vis-units").value.split(",").map((u) => u.trim()).filter(Boolean).map(Number);
  $("vis-status").textContent = "optimizing…";
  $("vis-run").disabled = true;
  try {
    const started = performance.now();
    const result = await postJSON(`/api/vision/${state.run.name}/visualize`, {
      layer: $("vis-layer").value, units, steps: Number($("vis-steps").value), param: $("vis-param").value,
      transforms: $("vis-transforms").checked, decay: Number($("vis-decay").value),
      total_variation: Number($("vis-tv").value), seed: Number($("vis-seed").value),
    });
    for (const kind of ["raw", "regularized"]) {
      const row = $(`vis-${kind}`);
      row.replaceChildren();
      const r = result[kind];
      r.images.forEach((pixels, i) => {
        const label = $("vis-layer").value === "output" ? className(units[i]) : `${$("vis-layer").value}:${units[i]}`;
        tile(row, `${label} ${r.start[i].toFixed(1)}→${r.final[i].toFixed(1)}`, 96, (canvas) => drawImage(canvas, pixels, result.shape));
      });
      row.dataset.final = JSON.stringify(r.final);
      row.dataset.start = JSON.stringify(r.start);
      row.dataset.tv = JSON.stringify(r.total_variation);
    }
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    $("vis-status").textContent = `${((performance.now() - started) / 1000).toFixed(1)} s; total variation `
      + `${mean(result.raw.total_variation).toFixed(3)} raw, ${mean(result.regularized.total_variation).toFixed(3)} regularized`;
  } catch (error) {
    $("vis-status").textContent = "";
    throw error;
  } finally {
    $("vis-run").disabled = false;
  }
}

// ---- fool it ---------------------------------------------------------------------------------------

function answerText(answer, label) {
  return `${className(answer.prediction)} ${percent(answer.confidence)}${label !== undefined && answer.prediction !== label ? " (fooled)" : ""}`;
}

async function attack() {
  const target = $("attack-target").value;
  const result = await postJSON(`/api/vision/${state.run.name}/attack`, {
    index: state.index, norm: $("attack-norm").value, epsilon: Number($("attack-epsilon").value),
    steps: Number($("attack-steps").value), target: target === "" ? null : Number(target),
  });
  const [c, h, w] = result.shape;
  drawImage($("attack-original"), result.original, result.shape);
  drawImage($("attack-adversarial"), result.adversarial, result.shape);
  const change = c === 1 ? result.perturbation
    : Array.from({ length: h * w }, (_, i) => (result.perturbation[i] + result.perturbation[h * w + i] + result.perturbation[2 * h * w + i]) / 3);
  drawSigned($("attack-change"), change, h, w);
  $("attack-before").textContent = `was ${answerText(result.before)}`;
  $("attack-after").textContent = `now ${answerText(result.after, result.label)}`;
  $("attack-after").classList.toggle("fooled", result.after.prediction !== result.label);
  $("attack-size").textContent = `change: max ${result.linf.toFixed(3)} per pixel, length ${result.l2.toFixed(2)}`;
  $("attack-after").dataset.prediction = String(result.after.prediction);
  $("attack-after").dataset.confidence = String(result.after.confidence);
}

async function fool() {
  $("fool-caption").textContent = "optimizing…";
  const result = await postJSON(`/api/vision/${state.run.name}/fool`, { target: Number($("fool-target").value) });
  drawImage($("fool-image"), result.image, result.shape);
  $("fool-caption").textContent = `“${className(result.target)}” ${percent(result.confidence)} after ${result.steps} steps`;
  $("fool-caption").dataset.confidence = String(result.confidence);
}

// ---- dream -----------------------------------------------------------------------------------------

async function dream() {
  $("dream-caption").textContent = "dreaming…";
  const result = await postJSON(`/api/vision/${state.run.name}/dream`, {
    index: state.index, layer: $("dream-layer").value, octaves: Number($("dream-octaves").value),
    steps: Number($("dream-steps").value), step_size: Number($("dream-step-size").value),
  });
  drawImage($("dream-original"), result.original, result.shape);
  drawImage($("dream-image"), result.image, result.shape);
  lineChart($("dream-curve"), [{ values: result.amplification, color: "#1f5fbf", label: "activation² vs original" }],
    { yLabel: "amplification" });
  const last = result.amplification[result.amplification.length - 1];
  $("dream-caption").textContent = `${$("dream-layer").value} responds ${last.toFixed(2)}× as strongly after `
    + `${result.octave_sizes.length} octaves (${result.octave_sizes.map((s) => s[0]).join(", ")} px)`;
  $("dream-caption").dataset.amplification = String(last);
}

// ---- runs and the shared test image ----------------------------------------------------------------

function options(select, entries) {
  select.replaceChildren(...entries.map(([value, label]) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    return option;
  }));
}

async function loadImage() {
  state.sample = await api(`/api/vision/${state.run.name}/sample?index=${state.index}`);
  state.index = state.sample.index;
  $("image-index").value = state.index;
  $("image-info").textContent = `label ${className(state.sample.label)}; the network says ${className(state.sample.prediction)} (${percent(state.sample.confidence)})`;
  redrawConvolution();
  await showInside();
}

async function chooseRun(name) {
  state.run = state.runs.find((r) => r.name === name);
  const run = state.run;
  $("vision-run-info").textContent = `${run.kind} on ${run.dataset}`
    + ` · ${run.parameters.toLocaleString("en")} weights and biases`
    + (run.test_accuracy != null ? `, ${percent(run.test_accuracy)} test accuracy` : "");
  options($("vis-layer"), [["output", "class scores"], ...run.layers.map((l) => [l.name, `${l.name} (${l.units})`])]);
  const classes = run.class_names.map((n, k) => [k, n]);
  options($("attack-target"), [["", "any wrong class"], ...classes]);
  options($("fool-target"), classes);
  $("fool-target").value = String(Math.min(5, classes.length - 1));
  const dreamable = run.layers.filter((l) => l.name !== "output").map((l) => [l.name, l.name]);
  options($("dream-layer"), dreamable.length ? dreamable : [["output", "output"]]);
  const colorful = run.input_shape[0] === 3;
  $("attack-epsilon").max = colorful ? "0.1" : "0.3";
  $("attack-epsilon").value = colorful ? String(2 / 255) : "0.1";
  $("attack-epsilon-value").textContent = Number($("attack-epsilon").value).toFixed(3);
  history.replaceState(null, "", `?run=${encodeURIComponent(name)}${location.hash}`);
  await loadImage();
}

async function init() {
  followHashTabs(TABS);
  state.kernels = await api("/api/vision/kernels");
  options($("kernel-name"), [...Object.keys(state.kernels).map((k) => [k, k]), ["custom", "custom"]]);
  $("kernel-name").value = "edges";
  state.kernel = state.kernels.edges.map((row) => [...row]);
  kernelGrid();
  noteUnavailableRuns().catch(() => {});
  state.runs = await api("/api/vision/runs");
  if (!state.runs.length) {
    report("no image runs in this folder: train one with `neuronscope convnet train` or `neuronscope train`");
    return;
  }
  options($("vision-run"), state.runs.map((r) => [r.name, r.name]));
  const wanted = new URLSearchParams(location.search).get("run");
  const first = state.runs.find((r) => r.name === wanted) || state.runs.find((r) => r.kind === "convnet") || state.runs[0];
  $("vision-run").value = first.name;
  await chooseRun(first.name);

  $("vision-run").addEventListener("change", () => guarded(() => chooseRun($("vision-run").value)));
  const step = (d) => guarded(() => { state.index = Math.max(0, state.index + d); return loadImage(); });
  $("image-prev").addEventListener("click", () => step(-1));
  $("image-next").addEventListener("click", () => step(1));
  $("image-index").addEventListener("change", () => guarded(() => { state.index = Math.max(0, Number($("image-index").value) || 0); return loadImage(); }));
  $("kernel-name").addEventListener("change", () => chooseKernel($("kernel-name").value));
  $("kernel-size").addEventListener("change", () => chooseKernel("custom"));
  $("conv-output").addEventListener("mousemove", spellOut);
  $("vis-run").addEventListener("click", () => guarded(render));
  $("attack-epsilon").addEventListener("input", () => { $("attack-epsilon-value").textContent = Number($("attack-epsilon").value).toFixed(3); });
  $("attack-run").addEventListener("click", () => guarded(attack));
  $("fool-run").addEventListener("click", () => guarded(fool));
  $("dream-run").addEventListener("click", () => guarded(dream));
  // the page's convolution, for the tests that compare it with the library's
  window.neuronscopeVision = { convolve, state };
  document.body.dataset.ready = "true";
}

init().catch(report);
