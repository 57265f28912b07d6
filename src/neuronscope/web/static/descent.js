// Gradient descent on the loss surface of a two-weight model: one landscape per learning rate, the
// path from a shared start, and the loss curves. The server computes paths and surfaces.
import { $, lineChart, postJSON } from "./plotting.js";

const COLORS = ["#7a7a7a", "#1f8a4c", "#c0392b", "#8e44ad"];
const SIZE = 250;
const state = { start: [-1, 3], lrs: null, result: null, shown: Infinity, animation: null };

// viridis-like ramp (dark = low loss) for log10 of the loss
function ramp(t) {
  const stops = [[253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84]];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1), i = Math.min(Math.floor(x), stops.length - 2);
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * (x - i)));
}

function buildPanels() {
  const box = $("descent-panels");
  box.innerHTML = "";
  state.lrs.forEach((lr, i) => {
    const figure = document.createElement("figure");
    const canvas = Object.assign(document.createElement("canvas"), { width: SIZE, height: SIZE, className: "surface" });
    canvas.addEventListener("click", (event) => pickStart(event, i));
    const input = Object.assign(document.createElement("input"), { type: "number", step: "any", min: "0.0001", max: "10",
      value: lr.toPrecision(3), className: "descent-lr" });
    input.addEventListener("change", () => {
      const value = Number(input.value);
      if (value > 0 && value <= 10) { state.lrs[i] = value; refresh(); }
    });
    const caption = document.createElement("figcaption");
    caption.append("learning rate ", input, Object.assign(document.createElement("div"), { className: "verdict" }));
    figure.append(canvas, caption);
    box.append(figure);
  });
}

function pickStart(event, i) {
  const [w0, w1, b0, b1] = state.result.paths[i].bounds, box = event.target.getBoundingClientRect();
  const u = (event.clientX - box.left) / box.width, v = (event.clientY - box.top) / box.height;
  state.start = [w0 + u * (w1 - w0), b1 - v * (b1 - b0)];
  refresh();
}

async function refresh() {
  const body = { steps: Number($("descent-steps").value), start: state.start };
  if (state.lrs) body.lrs = state.lrs;
  state.result = await postJSON("/api/basics/descent", body);
  if (!state.lrs) { state.lrs = state.result.paths.map((p) => p.lr); buildPanels(); }
  $("descent-critical").textContent = `for these points any learning rate above ${state.result.critical_lr.toPrecision(3)} `
    + "overshoots more with every step (2 / the steepest curvature of the bowl)";
  state.shown = Infinity;
  draw();
}

function draw() {
  const canvases = document.querySelectorAll("#descent-panels canvas");
  state.result.paths.forEach((path, i) => {
    const canvas = canvases[i], ctx = canvas.getContext("2d"), surface = path.surface, n = surface.length;
    const flat = surface.flat(), lo = Math.min(...flat), hi = Math.max(...flat);
    const image = new ImageData(n, n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        // surface rows run from low b upward; canvas rows from the top down
        image.data.set([...ramp((surface[n - 1 - r][c] - lo) / (hi - lo)), 255], (r * n + c) * 4);
      }
    }
    const offscreen = Object.assign(document.createElement("canvas"), { width: n, height: n });
    offscreen.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(offscreen, 0, 0, SIZE, SIZE);
    const [w0, w1, b0, b1] = path.bounds;
    const at = ([w, b]) => [((w - w0) / (w1 - w0)) * SIZE, ((b1 - b) / (b1 - b0)) * SIZE];
    ctx.font = "20px system-ui"; ctx.fillStyle = "#fff"; ctx.fillText("★", ...at(state.result.best).map((v, k) => v - (k ? -7 : 7)));
    const steps = path.points.slice(0, Math.min(path.points.length, state.shown + 1));
    // a diverging path runs off to infinity; draw it up to its first exit from the view
    const exit = steps.findIndex(([w, b]) => w < w0 || w > w1 || b < b0 || b > b1);
    const points = exit < 0 ? steps : steps.slice(0, exit + 1);
    ctx.strokeStyle = COLORS[i % COLORS.length]; ctx.lineWidth = 1.8; ctx.beginPath();
    points.forEach((p, k) => (k ? ctx.lineTo(...at(p)) : ctx.moveTo(...at(p))));
    ctx.stroke();
    ctx.fillStyle = "#fff";
    for (const p of points) { ctx.beginPath(); ctx.arc(...at(p), 2.4, 0, 2 * Math.PI); ctx.fill(); }
    const last = path.losses[Math.min(path.losses.length, state.shown + 1) - 1];
    const verdict = canvas.parentElement.querySelector(".verdict");
    const taken = Math.min(path.points.length, state.shown + 1) - 1;
    verdict.textContent = (path.diverged ? `diverges: loss ${last.toExponential(1)} after ${taken} steps`
      : `loss ${last.toFixed(3)} after ${taken} steps`) + `; view w ${w0.toFixed(1)}..${w1.toFixed(1)}, b ${b0.toFixed(1)}..${b1.toFixed(1)}`;
    verdict.style.color = path.diverged ? "#c0392b" : "#1d2330";
  });
  lineChart($("descent-loss"), state.result.paths.map((p, i) => ({
    values: p.losses.slice(0, state.shown + 1), color: COLORS[i % COLORS.length] })), { log: true, yLabel: "loss" });
}

function animate() {
  cancelAnimationFrame(state.animation);
  state.shown = 0;
  const longest = Math.max(...state.result.paths.map((p) => p.points.length));
  let last = 0;
  const tick = (time) => {
    if (time - last > 80) { state.shown++; last = time; draw(); }
    if (state.shown < longest) state.animation = requestAnimationFrame(tick);
  };
  state.animation = requestAnimationFrame(tick);
}

export async function init() {
  const steps = $("descent-steps");
  steps.addEventListener("input", () => ($("descent-steps-value").textContent = steps.value));
  steps.addEventListener("change", refresh);
  $("descent-steps-value").textContent = steps.value;
  $("descent-animate").addEventListener("click", animate);
  await refresh();
}
