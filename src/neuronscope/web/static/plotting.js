// Small canvas helpers shared by the basics pages: line charts, curves with a marked point, colors.

export const $ = (id) => document.getElementById(id);

// Runs are files people share: every string from a run (class names, layer and run names) is text, never markup.
export const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// Runs of the served folder that could not be opened: one note at the top of the page, each with its reason.
export async function noteUnavailableRuns() {
  const bad = await api("/api/unavailable");
  if (!bad.length) return;
  const note = document.createElement("div");
  note.id = "unavailable-runs";
  note.style.cssText = "background:#fff4e5;color:#7a4b00;padding:6px 16px;font-size:13px";
  note.textContent = `${bad.length} run${bad.length > 1 ? "s" : ""} could not be opened: `
    + bad.map((b) => b.reason).join("; ");
  document.body.prepend(note);
}

// A page of tabs shows the one its URL's #hash names (the first by default), again at every change;
// ``onShow(tab)`` hears which one.
export function followHashTabs(names, onShow = () => {}) {
  const show = () => {
    const wanted = location.hash.slice(1);
    const tab = names.includes(wanted) ? wanted : names[0];
    for (const name of names) {
      $(name).classList.toggle("active", name === tab);
      document.querySelector(`[data-tab=${name}]`).classList.toggle("active", name === tab);
    }
    onShow(tab);
  };
  window.addEventListener("hashchange", show);
  show();
}

// A page's one-line error in the element ``id``: ``report(error)`` shows it (null hides it), and
// ``guarded(work)`` clears it, runs ``work`` and reports what that throws.
export function errorLine(id) {
  const report = (error) => {
    $(id).hidden = !error;
    $(id).textContent = error ? String(error.message || error) : "";
  };
  const guarded = async (work) => {
    report(null);
    try { return await work(); } catch (error) { report(error); }
  };
  return { report, guarded };
}

export const postJSON = (path, body) =>
  api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

// class 0 orange, class 1 blue, then six more for data with more classes (as the figures)
export const CLASS_COLORS = ["#e8891d", "#2f6fb7", "#2e9e5b", "#c0392b", "#8e44ad", "#8c6d31", "#d6609f", "#5b6475"];

const ORANGE = [246, 196, 143], BLUE = [156, 192, 232];

// value in [0, 1] -> orange (0) through white (0.5) to blue (1), written as RGBA into pixels at offset
export function tintInto(pixels, offset, value) {
  const towards = value < 0.5 ? ORANGE : BLUE, t = Math.min(1, Math.abs(value - 0.5) * 2);
  pixels[offset] = 255 + (towards[0] - 255) * t;
  pixels[offset + 1] = 255 + (towards[1] - 255) * t;
  pixels[offset + 2] = 255 + (towards[2] - 255) * t;
  pixels[offset + 3] = 255;
}

// at most `limit` evenly spaced points of a long series, always keeping the last
function thinned(values, limit) {
  if (values.length <= limit) return values;
  const stride = values.length / limit, kept = [];
  for (let k = 0; k < limit; k++) kept.push(values[Math.floor(k * stride)]);
  kept.push(values[values.length - 1]);
  return kept;
}

// Line chart of one or more series ({values, color, label}) with light axes; log scale on request.
export function lineChart(canvas, series, { log = false, yLabel = "", xLabel = "step" } = {}) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  const left = 46, bottom = 22, top = 8, right = 8;
  ctx.clearRect(0, 0, w, h);
  const scaleY = (v) => (log ? Math.log10(v) : v);
  const steps = Math.max(...series.map((s) => s.values.length), 2);
  series = series.map((s) => ({ ...s, values: thinned(s.values, w) }));
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (const v of s.values) {
      if (Number.isFinite(v) && (!log || v > 0)) { lo = Math.min(lo, scaleY(v)); hi = Math.max(hi, scaleY(v)); }
    }
  }
  if (lo === Infinity) return;
  if (hi - lo < 1e-9) { hi += 0.5; lo -= 0.5; }
  const longest = Math.max(...series.map((s) => s.values.length), 2);
  const px = (i) => left + (i / (longest - 1)) * (w - left - right);
  const py = (v) => top + (1 - (scaleY(v) - lo) / (hi - lo)) * (h - top - bottom);
  ctx.strokeStyle = "#c5cbd6"; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, h - bottom); ctx.lineTo(w - right, h - bottom); ctx.stroke();
  ctx.fillStyle = "#5b6475"; ctx.font = "11px system-ui";
  const label = (v) => (log ? 10 ** v : v).toPrecision(2);
  ctx.fillText(label(hi), 2, top + 10); ctx.fillText(label(lo), 2, h - bottom);
  ctx.fillText(`${xLabel} ${steps - 1}`, w - 70, h - 6); ctx.fillText(yLabel, left + 4, top + 10);
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = 1.6; ctx.beginPath();
    let drawing = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v) || (log && v <= 0)) { drawing = false; return; }
      const y = Math.max(top, Math.min(h - bottom, py(v)));
      if (drawing) ctx.lineTo(px(i), y); else ctx.moveTo(px(i), y);
      drawing = true;
    });
    ctx.stroke();
  }
}

// A function's curve over [x0, x1] with the point (x, f(x)) marked (kept at the edge when x is outside).
export function curveWithPoint(canvas, f, x, { x0 = -6, x1 = 6, y0 = -1.2, y1 = 1.2 } = {}) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  const px = (v) => ((v - x0) / (x1 - x0)) * w, py = (v) => h - ((v - y0) / (y1 - y0)) * h;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#d5d9e0"; ctx.lineWidth = 1; ctx.beginPath();
  ctx.moveTo(0, py(0)); ctx.lineTo(w, py(0)); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), h); ctx.stroke();
  ctx.strokeStyle = "#2f6fb7"; ctx.lineWidth = 2; ctx.beginPath();
  for (let i = 0; i <= w; i++) {
    const v = x0 + (i / w) * (x1 - x0), y = py(f(v));
    if (i) ctx.lineTo(i, y); else ctx.moveTo(i, y);
  }
  ctx.stroke();
  const shown = Math.max(x0, Math.min(x1, x));
  ctx.fillStyle = "#c0392b"; ctx.beginPath(); ctx.arc(px(shown), py(f(shown)), 5, 0, 2 * Math.PI); ctx.fill();
}
