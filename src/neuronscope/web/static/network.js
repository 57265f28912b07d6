// The arithmetic the page does itself, mirroring the library: MNIST-style and 8x8-digits-style
// preparation of a drawing (data/transforms.py) and the forward pass of a dense network (models/mlp.py).
// Resizing follows the antialiased bilinear filter torch uses (the PIL "triangle" filter).

const MNIST_SIZE = 28, MNIST_BOX = 20, INK_THRESHOLD = 0.05;
const DIGITS_BITMAP = 32, DIGITS_BLOCK = 4, DIGITS_SIDE = DIGITS_BITMAP / DIGITS_BLOCK;

function filterWeights(inSize, outSize) {
  const scale = inSize / outSize, support = Math.max(scale, 1);
  return Array.from({ length: outSize }, (_, i) => {
    const center = (i + 0.5) * scale;
    const start = Math.max(0, Math.floor(center - support + 0.5));
    const stop = Math.min(inSize, Math.floor(center + support + 0.5));
    const taps = [];
    let total = 0;
    for (let j = start; j < stop; j++) {
      const w = Math.max(0, 1 - Math.abs((j - center + 0.5) / support));
      taps.push([j, w]); total += w;
    }
    return taps.map(([j, w]) => [j, total ? w / total : 0]);
  });
}

// image: Float32Array of h*w, row by row
export function resize(image, h, w, outH, outW) {
  const rows = filterWeights(h, outH), cols = filterWeights(w, outW);
  const tmp = new Float32Array(h * outW);
  for (let y = 0; y < h; y++) cols.forEach((taps, x) => {
    let v = 0; for (const [j, wt] of taps) v += image[y * w + j] * wt; tmp[y * outW + x] = v;
  });
  const out = new Float32Array(outH * outW);
  rows.forEach((taps, y) => { for (let x = 0; x < outW; x++) {
    let v = 0; for (const [j, wt] of taps) v += tmp[j * outW + x] * wt; out[y * outW + x] = v;
  } });
  return out;
}

function centerOfMass(image, h, w) {
  let total = 0, cy = 0, cx = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const v = image[y * w + x]; total += v; cy += y * v; cx += x * v; }
  return total > 0 ? [cy / total, cx / total] : [(h - 1) / 2, (w - 1) / 2];
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// The drawing's ink cut to its bounding box and resized so its longer side is `size`: [box, bh, bw], or null.
function fitInk(drawing, h, w, size) {
  let top = h, left = w, bottom = -1, right = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (drawing[y * w + x] > INK_THRESHOLD) {
    top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x);
  }
  if (bottom < 0) return null;
  const ch = bottom - top + 1, cw = right - left + 1;
  const crop = new Float32Array(ch * cw);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) crop[y * cw + x] = drawing[(top + y) * w + left + x];
  const factor = size / Math.max(ch, cw);
  const bh = Math.max(1, roundHalfEven(ch * factor)), bw = Math.max(1, roundHalfEven(cw * factor));
  return [resize(crop, ch, cw, bh, bw).map((v) => Math.min(1, Math.max(0, v))), bh, bw];
}

// Like scikit-learn's 8x8 digits: the ink fitted into a centered 32x32 bitmap, each 4x4 block one pixel.
export function prepareLikeDigits(drawing, h, w) {
  const out = new Float32Array(DIGITS_SIDE * DIGITS_SIDE), fitted = fitInk(drawing, h, w, DIGITS_BITMAP);
  if (!fitted) return out;
  const [box, bh, bw] = fitted;
  const top = Math.floor((DIGITS_BITMAP - bh) / 2), left = Math.floor((DIGITS_BITMAP - bw) / 2);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
    const row = Math.floor((top + y) / DIGITS_BLOCK), col = Math.floor((left + x) / DIGITS_BLOCK);
    out[row * DIGITS_SIDE + col] += box[y * bw + x] / (DIGITS_BLOCK * DIGITS_BLOCK);
  }
  return out;
}

export function centerLikeMnist(drawing, h, w) {
  const out = new Float32Array(MNIST_SIZE * MNIST_SIZE), fitted = fitInk(drawing, h, w, MNIST_BOX);
  if (!fitted) return out;
  const [box, bh, bw] = fitted;
  const [cy, cx] = centerOfMass(box, bh, bw);
  const y0 = Math.min(Math.max(roundHalfEven(MNIST_SIZE / 2 - 0.5 - cy), 0), MNIST_SIZE - bh);
  const x0 = Math.min(Math.max(roundHalfEven(MNIST_SIZE / 2 - 0.5 - cx), 0), MNIST_SIZE - bw);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) out[(y0 + y) * MNIST_SIZE + x0 + x] = box[y * bw + x];
  return out;
}

export function shift(image, h, w, dx, dy) {
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sy = y - dy, sx = x - dx;
    if (sy >= 0 && sy < h && sx >= 0 && sx < w) out[y * w + x] = image[sy * w + sx];
  }
  return out;
}

export function scale(image, h, w, factor) {
  const nh = Math.max(1, roundHalfEven(h * factor)), nw = Math.max(1, roundHalfEven(w * factor));
  const resized = resize(image, h, w, nh, nw), out = new Float32Array(h * w);
  const top = Math.floor((h - nh) / 2), left = Math.floor((w - nw) / 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sy = y - top, sx = x - left;
    if (sy >= 0 && sy < nh && sx >= 0 && sx < nw) out[y * w + x] = resized[sy * nw + sx];
  }
  return out;
}

const ACTIVATIONS = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)), relu: (z) => Math.max(0, z), tanh: Math.tanh, linear: (z) => z,
};

function softmax(z) {
  const top = Math.max(...z), e = z.map((v) => Math.exp(v - top)), total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

// One padded convolution (the output keeps the input's size) followed by ReLU, like models/convnet.py.
// x: inC planes of h*w; conv.weight: (outputs, inputs, kernel, kernel) flattened.
function convolve(x, h, w, conv) {
  const { weight, bias, inputs, outputs, kernel } = conv, pad = kernel >> 1, size = h * w;
  const out = new Float32Array(outputs * size);
  for (let o = 0; o < outputs; o++) {
    const plane = out.subarray(o * size, (o + 1) * size);
    plane.fill(bias[o]);
    for (let c = 0; c < inputs; c++) {
      const source = x.subarray(c * size, (c + 1) * size);
      for (let ky = 0; ky < kernel; ky++) for (let kx = 0; kx < kernel; kx++) {
        const wt = weight[((o * inputs + c) * kernel + ky) * kernel + kx], dy = ky - pad, dx = kx - pad;
        for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
          const row = y * w, from = (y + dy) * w + dx;
          for (let xx = Math.max(0, -dx); xx < Math.min(w, w - dx); xx++) plane[row + xx] += wt * source[from + xx];
        }
      }
    }
    for (let i = 0; i < size; i++) if (plane[i] < 0) plane[i] = 0;
  }
  return out;
}

function maxPool(x, channels, h, w) {
  const oh = h >> 1, ow = w >> 1, out = new Float32Array(channels * oh * ow);
  for (let c = 0; c < channels; c++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    const at = c * h * w + 2 * y * w + 2 * xx;
    out[(c * oh + y) * ow + xx] = Math.max(x[at], x[at + 1], x[at + w], x[at + w + 1]);
  }
  return out;
}

// A ConvNet's conv layers: each layer's feature maps (after ReLU, before pooling) and the pooled
// result the dense layers read.
function convolutions(net, names, input, activations) {
  let [h, w] = net.image_shape, x = Float32Array.from(input);
  net.convolutions.forEach((conv, l) => {
    const maps = convolve(x, h, w, conv);
    activations[names[l]] = maps;
    x = maxPool(maps, conv.outputs, h, w);
    h >>= 1; w >>= 1;
  });
  return x;
}

// net: the /weights answer; names: layer names (hidden1, ..., output; conv1, conv2, fc1, output for a
// ConvNet). Same shape as /infer's answer.
export function forward(net, names, input) {
  const activations = {};
  let a = Array.from(input), scores = null, dense = names;
  if (net.convolutions) {
    a = convolutions(net, names, input, activations);
    dense = names.slice(net.convolutions.length);
  }
  net.layers.forEach((layer, l) => {
    const z = new Array(layer.outputs);
    for (let o = 0; o < layer.outputs; o++) {
      let sum = layer.bias[o];
      const row = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) sum += layer.weight[row + i] * a[i];
      z[o] = sum;
    }
    const last = l === net.layers.length - 1;
    if (last) scores = z;
    a = last && net.output === "softmax" ? softmax(z) : z.map(ACTIVATIONS[last ? net.output : net.activation]);
    activations[dense[l]] = a;
  });
  const probabilities = net.output === "sigmoid" ? scores.map(ACTIVATIONS.sigmoid) : softmax(scores);
  const prediction = probabilities.indexOf(Math.max(...probabilities));
  return { input: Array.from(input), activations, probabilities, prediction, confidence: probabilities[prediction] };
}
