// The toy model of superposition: each slider change retrains it on the server (about half a second) and
// the tab draws W^T W and the features' directions, as the library's figure does.
import { $, postJSON } from "./plotting.js";
import { reach, signedColor } from "/palette.js";

// viridis from dark (least important feature) to yellow-green (most important), as the figure colors them
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [189, 223, 38]];
const REPRESENTED = 0.5;
let asked = 0;
let timer = null;

// the slider runs over -log10(1 - S), so 0, 0.9, 0.99 and 0.999 sit evenly spaced
const sparsity = () => 1 - 10 ** -Number($("sp-sparsity").value);

function importanceColor(weight, lowest) {
  const t = lowest < 1 ? (weight - lowest) / (1 - lowest) : 1;
  const x = (0.15 + 0.75 * t) * (VIRIDIS.length - 1), i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const c = VIRIDIS[i].map((v, k) => Math.round(v + (VIRIDIS[i + 1][k] - v) * (x - i)));
  return `rgb(${c.join(",")})`;
}

function drawGram(gram) {
  const canvas = $("sp-gram"), ctx = canvas.getContext("2d"), n = gram.length, cell = canvas.width / n;
  const limit = reach(gram.flat());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      ctx.fillStyle = `rgb(${signedColor(gram[i][j], limit).join(",")})`;
      ctx.fillRect(j * cell, i * cell, Math.ceil(cell), Math.ceil(cell));
    }
  }
}

function drawArrows(ctx, w, h, model) {
  const [xs, ys] = model.weights, scale = (w / 2 - 14) / Math.max(1.3, ...model.norms.map((v) => v * 1.05));
  ctx.strokeStyle = "#ddd";
  ctx.beginPath(); ctx.moveTo(0, h / 2); ctx.lineTo(w, h / 2); ctx.moveTo(w / 2, 0); ctx.lineTo(w / 2, h); ctx.stroke();
  const lowest = Math.min(...model.importance);
  const order = model.importance.map((v, i) => i).sort((a, b) => model.importance[a] - model.importance[b]);
  for (const i of order) {
    const x = w / 2 + xs[i] * scale, y = h / 2 - ys[i] * scale, angle = Math.atan2(y - h / 2, x - w / 2);
    ctx.strokeStyle = ctx.fillStyle = importanceColor(model.importance[i], lowest);
    ctx.lineWidth = 2.5;
    ctx.beginPath(); ctx.moveTo(w / 2, h / 2); ctx.lineTo(x, y); ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x - 10 * Math.cos(angle - 0.35), y - 10 * Math.sin(angle - 0.35));
    ctx.lineTo(x - 10 * Math.cos(angle + 0.35), y - 10 * Math.sin(angle + 0.35));
    ctx.fill();
  }
}

function drawNorms(ctx, w, h, model) {
  const n = model.norms.length, bar = h / n, longest = Math.max(1.3, ...model.norms);
  model.norms.forEach((norm, i) => {
    const shared = Math.min(1, model.interference[i]);
    ctx.fillStyle = norm < REPRESENTED ? "#bbb" : `hsl(${260 - 210 * shared}, 75%, ${35 + 20 * shared}%)`;
    ctx.fillRect(0, i * bar + 1, (norm / longest) * w, Math.max(1, bar - 2));
  });
  ctx.strokeStyle = "#999";
  const one = w / longest;
  ctx.beginPath(); ctx.moveTo(one, 0); ctx.lineTo(one, h); ctx.stroke();
}

function draw(model, body) {
  drawGram(model.gram);
  const canvas = $("sp-directions"), ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  if (body.dimensions === 2) drawArrows(ctx, w, h, model);
  else drawNorms(ctx, w, h, model);
  $("sp-directions-label").textContent = body.dimensions === 2
    ? "Each feature's direction in the two dimensions (darker = less important)."
    : "Each feature's length (the line marks 1): purple = a dimension of its own, yellow = shares it, gray = ignored.";
  const summary = $("sp-summary");
  summary.dataset.represented = model.represented;
  summary.dataset.sparsity = body.sparsity;
  summary.textContent = `${model.represented} of ${body.features} features represented in ${body.dimensions} `
    + `dimension${body.dimensions > 1 ? "s" : ""}: ${model.dimensions_per_feature.toFixed(2)} dimensions per feature `
    + `(trained in ${model.seconds.toFixed(2)} s, loss ${model.loss.toExponential(2)})`;
}

async function retrain() {
  const body = { features: Number($("sp-features").value), dimensions: Number($("sp-dimensions").value),
                 sparsity: Number(sparsity().toFixed(4)), importance_decay: Number($("sp-decay").value) };
  $("sp-sparsity-value").textContent = body.sparsity.toFixed(3);
  $("sp-features-value").textContent = body.features;
  $("sp-dimensions-value").textContent = body.dimensions;
  $("sp-decay-value").textContent = body.importance_decay.toFixed(2);
  const ask = ++asked;
  $("sp-status").textContent = "training…";
  try {
    const model = await postJSON("/api/basics/superposition", body);
    if (ask !== asked) return; // a newer setting is on its way
    draw(model, body);
    $("sp-status").textContent = "";
  } catch (error) {
    if (ask === asked) $("sp-status").textContent = error.message;
  }
}

export async function init() {
  for (const id of ["sp-sparsity", "sp-features", "sp-dimensions", "sp-decay"]) {
    $(id).addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(retrain, 120);
    });
  }
  await retrain();
}
