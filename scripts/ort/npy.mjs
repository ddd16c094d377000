// .npy reading and writing for the ONNX Runtime scripts (format version 1.0 and 2.0,
// C order, little-endian numeric types only). No dependencies.
import { readFileSync, writeFileSync } from 'node:fs';

const TYPES = {
  '<f4': { name: 'float32', array: Float32Array },
  '<f8': { name: 'float64', array: Float64Array },
  '|i1': { name: 'int8', array: Int8Array },
  '|u1': { name: 'uint8', array: Uint8Array },
  '<i4': { name: 'int32', array: Int32Array },
  '<i8': { name: 'int64', array: BigInt64Array },
};

export function readNpy(path) {
  const buf = readFileSync(path);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header))
    throw new Error(`${path}: unsupported .npy header ${header.trim()}`);
  const type = TYPES[descr[1] === '<u1' ? '|u1' : descr[1] === '<i1' ? '|i1' : descr[1]];
  if (!type) throw new Error(`${path}: unsupported dtype ${descr[1]}`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const offset = start + hlen;
  const bytes = buf.subarray(offset, offset + count * type.array.BYTES_PER_ELEMENT);
  if (bytes.length !== count * type.array.BYTES_PER_ELEMENT)
    throw new Error(`${path}: truncated data`);
  const data = new type.array(count);
  new Uint8Array(data.buffer).set(bytes);
  return { type: type.name, dims, data };
}

export function writeNpy(path, type, dims, data) {
  const descr = Object.keys(TYPES).find((k) => TYPES[k].name === type);
  if (!descr) throw new Error(`cannot write ${type} to .npy`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}
