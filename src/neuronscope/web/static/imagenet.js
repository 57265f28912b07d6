// The ImageNet page: choose or drop a photo and see its top-5 at once; layers, classes, dreams, attacks,
// fooling images and style transfer run as jobs on the server's queue, shown with their steps and a
// cancel button while they work.
import { $, api, errorLine, escapeHtml, followHashTabs, postJSON } from "./plotting.js";

const TABS = ["layers", "class", "dream", "attack", "fool", "style"];
const LONGEST_SIDE = 1024;  // what the server keeps of a photo: larger ones are scaled down before sending
const DOG_BREEDS = [151, 268];
const state = { info: null, photo: null, job: null, classes: new Map() };

const { guarded } = errorLine("page-error");

const isDog = (name) => {
  const index = state.classes.get(name);
  return index !== undefined && index >= DOG_BREEDS[0] && index <= DOG_BREEDS[1];
};

// a top-k list as bars; dog breeds in brown, ``marked`` (an attack's target) in red
function topList(top, marked = null) {
  return top.map(({ name, probability }) => {
    const kind = name === marked ? " marked" : isDog(name) ? " dog" : "";
    return `<div class="top-row${kind}"><span class="name">${escapeHtml(name)}</span>`
      + `<span class="num">${(100 * probability).toFixed(1)}%</span>`
      + `<div class="bar"><span style="width:${(100 * probability).toFixed(1)}%"></span></div></div>`;
  }).join("");
}

const figure = (src, caption, extra = "") =>
  `<figure><img src="${src}" alt="${escapeHtml(caption)}" class="${extra}"><figcaption>${caption}</figcaption></figure>`;

// ---- photos ----------------------------------------------------------------------------------------

async function choosePhoto(id) {
  const described = await api(`/api/imagenet/photos/${encodeURIComponent(id)}`);
  state.photo = described.id;
  $("photo").src = `/api/imagenet/photos/${encodeURIComponent(id)}/image`;
  $("photo").dataset.photo = described.id;
  $("photo-top").innerHTML = topList(described.top);
  for (const img of $("samples").children) img.classList.toggle("selected", img.dataset.photo === id);
  fillStyles();
}

// a photo the browser can decode is scaled down and sent as JPEG; anything else goes as it is, so the
// server can say in one line what is wrong with it
async function prepared(file) {
  let bitmap;
  try { bitmap = await createImageBitmap(file); } catch { return file; }
  const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob || file), "image/jpeg", 0.92));
}

async function upload(file) {
  const body = await prepared(file);
  const described = await api("/api/imagenet/photos", { method: "POST", body,
    headers: { "content-type": body.type || "application/octet-stream" } });
  state.uploaded = described.id;
  await choosePhoto(described.id);
}

function fillStyles() {
  const select = $("style-source"), kept = select.value;
  const options = [["swirls", "swirls (brush strokes)"],
    ...state.info.samples.map((name) => [name, `photo: ${name}`]),
    ...(state.uploaded ? [[state.uploaded, "your photo"]] : [])];
  select.innerHTML = options.map(([value, label]) => `<option value="${value}">${escapeHtml(label)}</option>`).join("");
  if (options.some(([value]) => value === kept)) select.value = kept;
}

// ---- jobs ------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function runJob(kind, body, render) {
  if (state.job) await api(`/api/imagenet/jobs/${state.job}`, { method: "DELETE" }).catch(() => {});
  let job = await postJSON(`/api/imagenet/jobs/${kind}`, body);
  state.job = job.id;
  $("job").hidden = false;
  $("job-cancel").disabled = false;
  $("job").dataset.state = job.state;
  while (job.state === "queued" || job.state === "running") {
    $("job-text").textContent = job.state === "queued"
      ? `${kind}: waiting (${job.position || 0} before it)`
      : `${kind}: step ${job.done} of ${job.total || "?"}`;
    $("job-progress").value = job.total ? job.done / job.total : 0;
    await sleep(job.state === "queued" ? 500 : 250);
    if (state.job !== job.id) return;  // another job replaced this one
    job = await api(`/api/imagenet/jobs/${job.id}`);
  }
  state.job = null;
  $("job-cancel").disabled = true;
  $("job").dataset.state = job.state;
  $("job-progress").value = job.state === "done" ? 1 : $("job-progress").value;
  $("job-text").textContent = job.state === "done" ? `${kind}: done in ${job.seconds} s`
    : job.state === "cancelled" ? `${kind}: cancelled` : `${kind}: failed`;
  if (job.state === "failed") throw new Error(job.error);
  if (job.state === "done") render(job.result);
}

async function cancelJob() {
  if (!state.job) return;
  await api(`/api/imagenet/jobs/${state.job}`, { method: "DELETE" });
}

// ---- what each job shows ---------------------------------------------------------------------------

function renderAtlas(result) {
  const note = result.kernels ? "the stem's 3x3 kernels (blue-ish: positive weights per color)"
    : `${result.reused ? "kept from before" : "rendered now"}; under each, the crops of ${result.photos.length} `
      + "sample photos that excite it most";
  $("atlas-result").innerHTML = `<h2>${escapeHtml(result.layer)}</h2><p class="note">${note}</p><div class="atlas">`
    + result.channels.map((c) => `<div class="channel${result.kernels ? " kernels" : ""}">`
      + `<img src="${c.image}" alt="channel ${c.channel}"><div>channel ${c.channel}</div><div class="examples">`
      + c.examples.map((e) => `<img src="${e.image}" title="${escapeHtml(e.photo)}: ${e.activation}">`).join("")
      + "</div></div>").join("") + "</div>";
}

function renderClass(result) {
  $("class-result").innerHTML = `<h2>${escapeHtml(result.name)}</h2>`
    + figure(result.raw, `raw pixels: ${(100 * result.raw_probability).toFixed(1)}%`)
    + figure(result.regularized, `regularized: ${(100 * result.regularized_probability).toFixed(1)}%`);
}

function renderDream(result) {
  const percent = (s) => `${Math.round(100 * s)}%`, share = (s) => `${percent(s)} dog breeds in top-5`;
  $("dream-result").innerHTML = `<p class="verdict">Dreaming at ${escapeHtml(result.layer)}: the layer responds `
    + `${result.amplification.toFixed(1)}x as strongly. Dog breeds in the top-5: ${percent(result.dog_share_before)} `
    + `before, <b>${percent(result.octaves[result.octaves.length - 1].dog_share)}</b> after.</p>`
    + `<figure><img src="${result.original}" alt="photo"><figcaption>photo: ${share(result.dog_share_before)}`
    + `${topList(result.before.slice(0, 3))}</figcaption></figure>`
    + result.octaves.map((o, k) => `<figure><img src="${o.image}" alt="octave ${k + 1}"><figcaption>octave ${k + 1}: `
      + `${share(o.dog_share)}${topList(o.top.slice(0, 3))}</figcaption></figure>`).join("");
}

function renderAttack(result) {
  const toward = result.target ? `toward “${escapeHtml(result.target)}”` : "away from its class";
  const verdict = result.reached ? "it worked" : "not this time";
  $("attack-result").innerHTML = `<p class="verdict">Pushed ${toward}, each pixel changed by at most `
    + `${result.largest_change.toFixed(2)}/255: <b>${verdict}</b>.</p>`
    + figure(result.original, "photo") + figure(result.change, "the change, magnified", "pixels")
    + figure(result.adversarial, "changed photo")
    + `<figure><figcaption>before</figcaption>${topList(result.before, result.target)}</figure>`
    + `<figure><figcaption>after</figcaption>${topList(result.after, result.target || result.after[0].name)}</figure>`;
}

function renderFool(result) {
  $("fool-result").innerHTML = figure(result.image,
    `“${escapeHtml(result.target)}” at ${(100 * result.confidence).toFixed(2)}% after ${result.steps} steps`);
}

function renderStyle(result) {
  $("style-result").innerHTML = `<p class="verdict">Style loss ${result.style_loss_fall.toFixed(0)}x lower `
    + `(${result.smoothing === "none" ? "plain Gram matrices" : "softmax-smoothed Gram matrices"}).</p>`
    + figure(result.content, "content") + figure(result.style, "style") + figure(result.image, "result");
}

// ---- wiring ----------------------------------------------------------------------------------------

const number = (id) => Number($(id).value);

function needPhoto() {
  if (!state.photo) throw new Error("choose a photo first");
  return state.photo;
}

async function start() {
  state.info = await api("/api/imagenet/info");
  const info = state.info;
  info.classes.forEach((name, index) => state.classes.set(name, index));
  $("net-info").textContent = `${info.name}: ${info.parameters.toLocaleString()} weights, ${info.resolution} px`;
  $("class-names").innerHTML = info.classes.map((name) => `<option value="${escapeHtml(name)}">`).join("");
  $("samples").innerHTML = info.samples.map((name) =>
    `<img src="/api/imagenet/photos/${name}/image" data-photo="${name}" title="${name}" alt="${name}">`).join("");
  const layerOptions = (selected) => info.layers.map((name) =>
    `<option${name === selected ? " selected" : ""}>${escapeHtml(name)}</option>`).join("");
  $("atlas-layer").innerHTML = layerOptions("blocks.5");
  $("dream-layer").innerHTML = layerOptions(info.dream_layer);
  for (const img of $("samples").children) img.addEventListener("click", () => guarded(() => choosePhoto(img.dataset.photo)));
  await choosePhoto(info.samples[0]);
}

$("upload").addEventListener("change", () => guarded(() => upload($("upload").files[0])));
for (const event of ["dragenter", "dragover"]) {
  $("drop").addEventListener(event, (e) => { e.preventDefault(); $("drop").classList.add("over"); });
}
$("drop").addEventListener("dragleave", () => $("drop").classList.remove("over"));
$("drop").addEventListener("drop", (e) => {
  e.preventDefault();
  $("drop").classList.remove("over");
  if (e.dataTransfer.files.length) guarded(() => upload(e.dataTransfer.files[0]));
});
$("attack-epsilon").addEventListener("input", () => { $("attack-epsilon-value").textContent = `${$("attack-epsilon").value}/255`; });
$("job-cancel").addEventListener("click", () => guarded(cancelJob));
$("atlas-run").addEventListener("click", () => guarded(() => runJob("atlas",
  { layer: $("atlas-layer").value, channels: number("atlas-channels"), steps: number("atlas-steps") }, renderAtlas)));
$("class-run").addEventListener("click", () => guarded(() => runJob("visualize",
  { target: $("class-name").value, steps: number("class-steps") }, renderClass)));
$("dream-run").addEventListener("click", () => guarded(() => runJob("dream", { photo: needPhoto(),
  layer: $("dream-layer").value, octaves: number("dream-octaves"), steps: number("dream-steps"),
  size: number("dream-size") }, renderDream)));
$("attack-run").addEventListener("click", () => guarded(() => runJob("attack", { photo: needPhoto(),
  target: $("attack-target").value.trim() || null, epsilon: number("attack-epsilon"), steps: number("attack-steps") },
  renderAttack)));
$("fool-run").addEventListener("click", () => guarded(() => runJob("fool", { target: $("fool-target").value }, renderFool)));
$("style-run").addEventListener("click", () => guarded(() => runJob("style", { photo: needPhoto(),
  style: $("style-source").value, smoothing: $("style-smoothing").value, size: number("style-size"),
  steps: number("style-steps") }, renderStyle)));
followHashTabs(TABS);
guarded(start).finally(() => { document.body.dataset.ready = "true"; });
