// A tiny fully connected network trained in the page: the same arithmetic as the library's
// neuronscope.basics.TinyNetwork (hidden activation; one sigmoid output for two classes, a softmax
// over one output per class for more; mean cross-entropy; full-batch gradient descent), in
// Float64Arrays so a few dozen weights take many steps per frame.

// each activation applied to a whole layer in place: one loop per kind, no call per element
const ACTIVATE = {
  tanh: (values) => { for (let k = 0; k < values.length; k++) values[k] = Math.tanh(values[k]); },
  relu: (values) => { for (let k = 0; k < values.length; k++) if (values[k] < 0) values[k] = 0; },
  sigmoid: (values) => { for (let k = 0; k < values.length; k++) values[k] = 1 / (1 + Math.exp(-values[k])); },
};
// the slope of each activation, from its output a and its input z
const SLOPE = { tanh: (z, a) => 1 - a * a, relu: (z) => (z > 0 ? 1 : 0), sigmoid: (z, a) => a * (1 - a) };

// mulberry32: a small seeded generator, so "Reset" with the same seed starts from the same weights
export function seededRandom(seed) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

// in place, each row of `width` values becomes a probability distribution
function softmaxRows(values, width) {
  for (let row = 0; row < values.length; row += width) {
    let top = -Infinity, total = 0;
    for (let k = 0; k < width; k++) top = Math.max(top, values[row + k]);
    for (let k = 0; k < width; k++) { values[row + k] = Math.exp(values[row + k] - top); total += values[row + k]; }
    for (let k = 0; k < width; k++) values[row + k] /= total;
  }
}

// sizes from inputs to the output neurons, e.g. [2, 4, 1] (two classes) or [2, 8, 3] (three);
// weights N(0, 1/fan_in), zero biases
export function createNetwork(sizes, activation, seed = 0) {
  const random = seededRandom(seed);
  const weights = [], biases = [];
  for (let l = 1; l < sizes.length; l++) {
    const w = new Float64Array(sizes[l] * sizes[l - 1]);
    for (let i = 0; i < w.length; i++) w[i] = normal(random) / Math.sqrt(sizes[l - 1]);
    weights.push(w);
    biases.push(new Float64Array(sizes[l]));
  }
  return { sizes, activation, weights, biases };
}

// Forward pass over n inputs (x: Float64Array n*inputs, row by row). Returns every layer's
// weighted sums z[l] and activations a[l] (a[0] is x), each Float64Array n*width.
export function forward(net, x, n) {
  const { sizes, weights, biases } = net;
  const a = [x], z = [];
  const last = sizes.length - 2;
  for (let l = 0; l <= last; l++) {
    const inputs = sizes[l], outputs = sizes[l + 1], w = weights[l], b = biases[l], prev = a[l];
    const zl = new Float64Array(n * outputs);
    for (let s = 0; s < n; s++) {
      const row = s * inputs;
      for (let o = 0; o < outputs; o++) {
        let sum = b[o];
        const wo = o * inputs;
        for (let i = 0; i < inputs; i++) sum += w[wo + i] * prev[row + i];
        zl[s * outputs + o] = sum;
      }
    }
    const al = zl.slice();
    if (l < last) ACTIVATE[net.activation](al);
    else if (outputs === 1) ACTIVATE.sigmoid(al);
    else softmaxRows(al, outputs);
    z.push(zl); a.push(al);
  }
  return { z, a };
}

// mean cross-entropy of the output layer's activations against y (class numbers; for one sigmoid
// output, 0 or 1)
export function loss(probability, y, classes = 1) {
  let total = 0;
  if (classes > 1) {
    for (let s = 0; s < y.length; s++) total -= Math.log(Math.max(probability[s * classes + y[s]], 1e-12));
    return total / y.length;
  }
  for (let s = 0; s < y.length; s++) {
    const p = Math.min(Math.max(probability[s], 1e-12), 1 - 1e-12);
    total -= y[s] * Math.log(p) + (1 - y[s]) * Math.log(1 - p);
  }
  return total / y.length;
}

// Backpropagation of the mean cross-entropy: gradients with the shapes of weights and biases.
export function gradients(net, x, y) {
  const n = y.length, { sizes, weights } = net;
  const { z, a } = forward(net, x, n);
  const gw = weights.map((w) => new Float64Array(w.length)), gb = net.biases.map((b) => new Float64Array(b.length));
  const p = a[a.length - 1], classes = sizes[sizes.length - 1];
  // the sigmoid's (or softmax's) slope cancels against the log's: d loss / d z = (p - target) / n
  let delta = new Float64Array(n * classes);
  if (classes === 1) for (let s = 0; s < n; s++) delta[s] = (p[s] - y[s]) / n;
  else for (let s = 0; s < n; s++) for (let k = 0; k < classes; k++) {
    delta[s * classes + k] = (p[s * classes + k] - (y[s] === k ? 1 : 0)) / n;
  }
  for (let l = sizes.length - 2; l >= 0; l--) {
    const inputs = sizes[l], outputs = sizes[l + 1], prev = a[l];
    for (let s = 0; s < n; s++) {
      for (let o = 0; o < outputs; o++) {
        const d = delta[s * outputs + o];
        gb[l][o] += d;
        for (let i = 0; i < inputs; i++) gw[l][o * inputs + i] += d * prev[s * inputs + i];
      }
    }
    if (l === 0) break;
    const back = new Float64Array(n * inputs), slope = SLOPE[net.activation], w = weights[l];
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < inputs; i++) {
        let sum = 0;
        for (let o = 0; o < outputs; o++) sum += delta[s * outputs + o] * w[o * inputs + i];
        back[s * inputs + i] = sum * slope(z[l - 1][s * inputs + i], prev[s * inputs + i]);
      }
    }
    delta = back;
  }
  return { weights: gw, biases: gb, loss: loss(p, y, classes) };
}

// One full-batch gradient-descent step, in place; returns the loss before the step.
export function step(net, x, y, lr) {
  const g = gradients(net, x, y);
  net.weights.forEach((w, l) => { for (let i = 0; i < w.length; i++) w[i] -= lr * g.weights[l][i]; });
  net.biases.forEach((b, l) => { for (let i = 0; i < b.length; i++) b[i] -= lr * g.biases[l][i]; });
  return g.loss;
}

// Features shifted and scaled to mean 0, spread 1 (population spread, as NumPy's std).
export function standardizer(points) {
  const n = points.length, mean = [0, 0], std = [0, 0];
  for (const p of points) { mean[0] += p[0] / n; mean[1] += p[1] / n; }
  for (const p of points) { std[0] += (p[0] - mean[0]) ** 2 / n; std[1] += (p[1] - mean[1]) ** 2 / n; }
  const spread = std.map((v) => (v > 0 ? Math.sqrt(v) : 1));
  return { mean, std: spread, apply: (x1, x2) => [(x1 - mean[0]) / spread[0], (x2 - mean[1]) / spread[1]] };
}
