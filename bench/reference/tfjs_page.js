// The in-page half of tfjs_bench.mjs: builds and trains the benchmark models with TensorFlow.js
// (loaded by the page from node_modules: tf.min.js, then tf-backend-wasm.min.js). Runs on the
// page's main thread, synchronously inside each `trainOnBatch`, one thread.
/* global tf */

// The one patch: the wasm backend of tfjs 4.22 has no `UnsortedSegmentSum` kernel, and the
// gradient of `GatherV2` (tfjs-core/src/gradients/GatherV2_grad.ts), which is what an Embedding
// layer's lookup is, calls `tf.unsortedSegmentSum`. Without this, training any model with an
// Embedding on the wasm backend throws "Kernel 'UnsortedSegmentSum' not registered for backend
// 'wasm'". This is a plain JavaScript implementation on the wasm heap's data (read, sum, write),
// the same approach the backend itself takes for Unique, StringSplit and similar kernels.
function patchUnsortedSegmentSum() {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return false;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs;
      const { numSegments } = attrs;
      const values = backend.readSync(x.dataId);
      const ids = backend.readSync(segmentIds.dataId);
      const inner = ids.length === 0 ? 0 : values.length / ids.length;
      const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
      for (let i = 0; i < ids.length; i++) {
        const s = ids[i];
        if (s < 0 || s >= numSegments) continue;
        const o = s * inner, v = i * inner;
        for (let j = 0; j < inner; j++) out[o + j] += values[v + j];
      }
      const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      return backend.makeOutput(shape, x.dtype, undefined, out);
    },
  });
  return true;
}

// mulberry32: a small seeded generator, so every run trains on the same ids and labels.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = 20000, BATCH = 32, LENGTH = 50, SINE_T = 30;

// Categorical cross-entropy from logits. The labels are fed one-hot ([B, 4], made before timing):
// tfjs-layers checks a custom loss's targets against the output's shape, so [B] or [B, 1] class
// indices are refused; with one-hot targets this is sparse categorical cross-entropy from logits.
function ceFromLogits(yTrue, yPred) {
  return tf.losses.softmaxCrossEntropy(yTrue, yPred);
}

function build(name) {
  const m = tf.sequential();
  if (name === 'agnews-lstm') {
    m.add(tf.layers.embedding({ inputDim: VOCAB, outputDim: 64, inputLength: LENGTH }));
    m.add(tf.layers.lstm({ units: 64 }));
    m.add(tf.layers.dense({ units: 4 }));
  } else if (name === 'course-bilstm') {
    m.add(tf.layers.embedding({ inputDim: VOCAB, outputDim: 128, maskZero: true, inputShape: [null] }));
    m.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64, returnSequences: true }), mergeMode: 'concat' }));
    m.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64 }), mergeMode: 'concat' }));
    m.add(tf.layers.dense({ units: 4 }));
  } else {
    const units = { 'sine-rnn': 100, 'sine-lstm': 32, 'sine-lstm16': 16 }[name];
    const cell = name === 'sine-rnn' ? tf.layers.simpleRNN({ units, activation: 'relu', returnSequences: true, inputShape: [SINE_T, 1] })
      : tf.layers.lstm({ units, returnSequences: true, inputShape: [SINE_T, 1] });
    m.add(cell);
    m.add(tf.layers.dense({ units: 1 }));
  }
  m.compile({ optimizer: tf.train.adam(1e-3), loss: name.startsWith('sine') ? 'meanSquaredError' : ceFromLogits });
  return m;
}

// The batches as tensors: [{x, y, tokens}], built before timing.
function batches(name, { samples, steps, lengths }) {
  const out = [];
  if (name.startsWith('sine')) {
    const r = rng(1);
    const points = 250, end = 200;
    const series = Float32Array.from({ length: points }, (_, i) => Math.sin(Math.fround(i * (10 / (points - 1)))));
    for (let s = 0; s < steps; s++) {
      const x = new Float32Array(BATCH * SINE_T), y = new Float32Array(BATCH * SINE_T);
      for (let b = 0; b < BATCH; b++) {
        const start = Math.floor(r() * (end - SINE_T));
        x.set(series.subarray(start, start + SINE_T), b * SINE_T);
        y.set(series.subarray(start + 1, start + SINE_T + 1), b * SINE_T);
      }
      out.push({ x: tf.tensor3d(x, [BATCH, SINE_T, 1]), y: tf.tensor3d(y, [BATCH, SINE_T, 1]), tokens: BATCH * SINE_T });
    }
    return out;
  }
  const r = rng(7);
  const n = Math.max(samples, BATCH);
  const lens = name === 'course-bilstm' ? Array.from({ length: n }, (_, i) => Math.max(1, lengths[i % lengths.length])) : new Array(n).fill(LENGTH);
  for (let start = 0; start + BATCH <= n; start += BATCH) {
    const l = lens.slice(start, start + BATCH);
    const t = Math.max(...l);
    const ids = new Int32Array(BATCH * t);
    l.forEach((len, b) => { for (let i = 0; i < len; i++) ids[b * t + i] = 1 + Math.floor(r() * (VOCAB - 1)); });
    const labels = new Float32Array(BATCH * 4);
    for (let b = 0; b < BATCH; b++) labels[b * 4 + Math.floor(r() * 4)] = 1;
    out.push({ x: tf.tensor2d(ids, [BATCH, t], 'int32'), y: tf.tensor2d(labels, [BATCH, 4]), tokens: l.reduce((a, b) => a + b, 0) });
  }
  return out;
}

const MODELS = {
  'agnews-lstm': 'Embedding(20000,64)→LSTM(64)→Dense(4)',
  'course-bilstm': 'Embedding(20000,128,mask_zero)→Bi(LSTM(64),seq)→Bi(LSTM(64))→Dense(4)',
  'sine-rnn': 'SimpleRNN(100,relu,seq)→Dense(1)',
  'sine-lstm': 'LSTM(32,seq)→Dense(1)',
  'sine-lstm16': 'LSTM(16,seq)→Dense(1)',
};

// Picks the backend (once per page) and reports what it runs with.
window.unrollSetup = async ({ backend, patch, wasmPath }) => {
  let patched = false;
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths(wasmPath);
    // One thread: the page is not cross-origin isolated, so there is no SharedArrayBuffer and the
    // backend could not start threads anyway; say so explicitly.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (patch) patched = patchUnsortedSegmentSum();
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const info = { tfjs: tf.version.tfjs, backend: tf.getBackend(), patched, crossOriginIsolated: self.crossOriginIsolated };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    info.threads = tf.wasm.getThreadsCount ? tf.wasm.getThreadsCount() : 1;
  } else {
    info.threads = 1;
  }
  return info;
};

window.unrollBench = async ({ name, samples, steps, warmup, lengths }) => {
  const data = batches(name, { samples, steps, lengths });
  const model = build(name);
  try {
    for (const b of data.slice(0, warmup)) await model.trainOnBatch(b.x, b.y);
    let longest = 0, lastLoss = NaN;
    const t0 = performance.now();
    for (const b of data) {
      const s = performance.now();
      lastLoss = await model.trainOnBatch(b.x, b.y);
      longest = Math.max(longest, performance.now() - s);
    }
    const seconds = (performance.now() - t0) / 1000;
    const nSteps = data.length, nSamples = nSteps * BATCH, tokens = data.reduce((a, b) => a + b.tokens, 0);
    return {
      name, model: MODELS[name], steps: nSteps, samples: nSamples, tokens, seconds,
      samples_per_sec: nSamples / seconds, tokens_per_sec: tokens / seconds, ms_per_step: (1000 * seconds) / nSteps,
      longest_step_ms: longest, last_loss: lastLoss, tensors_after: tf.memory().numTensors,
    };
  } finally {
    for (const b of data) { b.x.dispose(); b.y.dispose(); }
    model.dispose();
  }
};
