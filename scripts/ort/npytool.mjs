#!/usr/bin/env node
// Helpers of the ONNX Runtime comparison (tests/export/ort_compare.sh):
//
//   node npytool.mjs images IMAGES.npy OUTDIR [--count N] [--scale K] [--mean M] [--std S]
//     splits a batch [N, ...] of raw images into OUTDIR/x_<i>.npy, each [1, ...] float32,
//     x = (raw * K - M) / S (K defaults to 1/255 for uint8 images, else 1), the models/
//     zoo's normalization (models/zoo.json);
//   node npytool.mjs compare --scale S REF.npy OTHER.npy [REF.npy OTHER.npy ...]
//     compares float32 outputs of a Dequantize at scale S (or int8 outputs, S = 1)
//     element-wise in LSB (|a - b| / S rounded); prints the number of elements, of 1-LSB
//     differences and the largest difference; exits 1 when any exceeds 1 LSB or the
//     shapes differ.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, writeNpy } from './npy.mjs';

function fail(msg) {
  console.error(`npytool: ${msg}`);
  process.exit(1);
}

function options(args, names) {
  const opt = {}, rest = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (args[i].startsWith('--') && names.includes(name)) {
      if (i + 1 >= args.length) fail(`${args[i]} needs a value`);
      opt[name] = Number(args[++i]);
      if (!Number.isFinite(opt[name])) fail(`${args[i - 1]} takes a number`);
    } else if (args[i].startsWith('--')) {
      fail(`unknown option ${args[i]}`);
    } else {
      rest.push(args[i]);
    }
  }
  return { opt, rest };
}

function images(args) {
  const { opt, rest } = options(args, ['count', 'scale', 'mean', 'std']);
  if (rest.length !== 2) fail('images IMAGES.npy OUTDIR [--count N] [--scale K] [--mean M] [--std S]');
  const t = readNpy(rest[0]);
  const n = Math.min(t.dims[0], opt.count ?? t.dims[0]);
  const per = t.data.length / t.dims[0];
  const k = opt.scale ?? (t.type === 'uint8' ? 1 / 255 : 1), m = opt.mean ?? 0, s = opt.std ?? 1;
  mkdirSync(rest[1], { recursive: true });
  for (let i = 0; i < n; i++) {
    const x = new Float32Array(per);
    for (let j = 0; j < per; j++) x[j] = (Number(t.data[i * per + j]) * k - m) / s;
    writeNpy(join(rest[1], `x_${i}.npy`), 'float32', [1, ...t.dims.slice(1)], x);
  }
  console.log(`npytool: wrote ${n} images to ${rest[1]}`);
}

function compare(args) {
  const { opt, rest } = options(args, ['scale']);
  if (rest.length === 0 || rest.length % 2) fail('compare --scale S REF.npy OTHER.npy [...]');
  const scale = opt.scale ?? 1;
  let elements = 0, ones = 0, worst = 0;
  for (let p = 0; p < rest.length; p += 2) {
    const a = readNpy(rest[p]), b = readNpy(rest[p + 1]);
    if (a.dims.join() !== b.dims.join() || a.data.length !== b.data.length)
      fail(`${rest[p]} [${a.dims}] and ${rest[p + 1]} [${b.dims}] differ in shape`);
    for (let i = 0; i < a.data.length; i++) {
      const d = Math.round(Math.abs(Number(a.data[i]) - Number(b.data[i])) / scale);
      if (d === 1) ones++;
      if (d > worst) worst = d;
      if (d > 1)
        console.error(`npytool: ${rest[p]}[${i}] = ${a.data[i]}, ${rest[p + 1]}[${i}] = ` +
                      `${b.data[i]}: ${d} LSB apart`);
    }
    elements += a.data.length;
  }
  console.log(`elements=${elements} one_lsb=${ones} max_lsb=${worst}`);
  process.exit(worst > 1 ? 1 : 0);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'images') images(args);
else if (cmd === 'compare') compare(args);
else fail('usage: npytool.mjs images|compare ...');
