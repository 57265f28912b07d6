// The basics pages: one neuron, decision boundaries, gradient descent, backpropagation, superposition; one tab each.
import * as backprop from "./backprop.js";
import * as boundaries from "./boundaries.js";
import * as descent from "./descent.js";
import * as neuron from "./neuron.js";
import * as superposition from "./superposition.js";
import * as tinynet from "./tinynet.js";
import { followHashTabs } from "./plotting.js";

const TABS = ["neuron", "boundaries", "descent", "backprop", "superposition"];

followHashTabs(TABS, (tab) => { if (tab !== "boundaries") boundaries.pause(); });
neuron.init();
// the page's network code, for the tests that compare it with the library's
window.neuronscopeTinyNet = tinynet;
await Promise.all([boundaries.init(), descent.init(), backprop.init(), superposition.init()]);
document.body.dataset.ready = "true";
