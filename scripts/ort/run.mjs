#!/usr/bin/env node
// Runs an ONNX model on ONNX Runtime (onnxruntime-node, installed by scripts/install-ort.sh)
// single-threaded: one intra-op and one inter-op thread, sequential execution, all graph
// optimizations (which fuse QDQ models into ORT's integer kernels).
//
//   node scripts/ort/run.mjs MODEL.onnx -i X.npy [-i ...] -o Y.npy [-o ...] [--runs N]
//                            [--warmup W]
//   node scripts/ort/run.mjs --version
//
// Inputs and outputs go in the model's order. Passing k times as many -i (and -o) files as
// the model has inputs (outputs) runs k cases in one session. --runs N times N runs of the
// first case after W warm-up runs (default 1) and prints `median_ms=...`.
// The package is loaded from $ORT_DIR (default: third_party/ort of the repository).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from './npy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ortDir = resolve(process.env.ORT_DIR || join(here, '..', '..', 'third_party', 'ort'));

function loadOrt() {
  const require = createRequire(join(ortDir, 'package.json'));
  try {
    return require('onnxruntime-node');
  } catch (e) {
    console.error(`run.mjs: onnxruntime-node is not installed in ${ortDir} ` +
                  `(run scripts/install-ort.sh): ${e.message.split('\n')[0]}`);
    process.exit(3);
  }
}

function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: node run.mjs MODEL.onnx -i X.npy ... -o Y.npy ... ` +
                `[--runs N] [--warmup W] | --version`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args[0] === '--version') {
  const ort = loadOrt();
  const pkg = createRequire(join(ortDir, 'package.json'))('onnxruntime-node/package.json');
  console.log(`onnxruntime-node ${pkg.version} (node ${process.version})`);
  void ort;
  process.exit(0);
}
let model = null, runs = 0, warmup = 1;
const inputs = [], outputs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
  if (a === '-i' || a === '--input') inputs.push(value());
  else if (a === '-o' || a === '--output') outputs.push(value());
  else if (a === '--runs') runs = Number(value());
  else if (a === '--warmup') warmup = Number(value());
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (model) usage(`unexpected argument ${a}`);
  else model = a;
}
if (!model) usage('missing the model');
if (!Number.isInteger(runs) || runs < 0 || !Number.isInteger(warmup) || warmup < 0)
  usage('--runs and --warmup take a count');

const ort = loadOrt();
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const nin = session.inputNames.length, nout = session.outputNames.length;
if (inputs.length === 0 || inputs.length % nin !== 0)
  usage(`the model has ${nin} input(s); got ${inputs.length} -i file(s)`);
const cases = inputs.length / nin;
if (outputs.length !== 0 && outputs.length !== cases * nout)
  usage(`${cases} case(s) of ${nout} output(s) need ${cases * nout} -o files`);

function feeds(k) {
  const f = {};
  session.inputNames.forEach((name, j) => {
    const t = readNpy(inputs[k * nin + j]);
    f[name] = new ort.Tensor(t.type, t.data, t.dims);
  });
  return f;
}

for (let k = 0; k < cases && outputs.length; k++) {
  const res = await session.run(feeds(k));
  session.outputNames.forEach((name, j) => {
    const t = res[name];
    writeNpy(outputs[k * nout + j], t.type, t.dims, t.data);
  });
}

if (runs > 0) {
  const f = feeds(0);
  for (let w = 0; w < warmup; w++) await session.run(f);
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    await session.run(f);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  console.log(`median_ms=${median.toFixed(3)} runs=${runs} min_ms=${times[0].toFixed(3)}`);
}
