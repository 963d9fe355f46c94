import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { loadGPT, saveGPT, saveGPTToDirectory, CheckpointError, configFromHF, configToHF } from '../../src/io/checkpoint.ts';
import { parseSafetensors } from '../../src/io/safetensors.ts';
import { serializeSafetensors } from '../../src/io/safetensorsWrite.ts';
import { WeightFileError } from '../../src/io/errors.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

const ids = [3, 1, 4, 1, 5, 9, 2, 6];
const fixtureConfig = JSON.parse(fs.readFileSync(fixturePath('config.json'), 'utf8'));
const fixtureBytes = new Uint8Array(fs.readFileSync(fixturePath('model.safetensors')));

/** The fixture's tensors, edited, written back as a safetensors file. */
function editedFixture(edit: (t: Map<string, { shape: number[]; data: Float32Array }>) => void): Uint8Array {
  const { tensors } = parseSafetensors(fixtureBytes);
  const m = new Map([...tensors].map(([k, v]) => [k, { shape: v.shape, data: v.data }]));
  edit(m);
  return serializeSafetensors(m);
}

describe('Hugging Face GPT-2 checkpoints', () => {
  let current: GPT;
  let currentLogits: Float32Array;
  beforeAll(async () => {
    await useBackend('cpu');
    current = await loadGPT({ config: fixtureConfig, weights: fixtureBytes });
    currentLogits = current.run(ids).lastLogits;
  });
  afterAll(() => current.dispose());

  it('round-trips a trained model through safetensors to identical logits (F32) and close ones (F16)', async () => {
    const model = GPT.create(makeConfig('nano'), 11);
    const ref = model.logitsAt(ids);
    const f32 = await saveGPT(model);
    const back = await loadGPT({ config: f32.config, weights: f32.weights });
    back.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, ref[i])).toBe(0));
    const f16 = await saveGPT(model, { dtype: 'F16' });
    expect(f16.weights.byteLength).toBeLessThan(0.6 * f32.weights.byteLength);
    const half = await loadGPT({ config: f16.config, weights: f16.weights });
    half.logitsAt(ids).forEach((row, i) => expect(maxAbsDiff(row, ref[i])).toBeLessThan(1e-2));
    for (const m of [model, back, half]) m.dispose();
  });

  it('saves to a folder and loads from paths, as a user would in Node', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt-'));
    await saveGPTToDirectory(current, dir);
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ model_type: 'gpt2', n_embd: 32, n_layer: 2, n_head: 4, vocab_size: 48, activation_function: 'gelu_new' });
    const loaded = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
    expect(maxAbsDiff(loaded.run(ids).lastLogits, currentLogits)).toBe(0);
    loaded.dispose();
    fs.rmSync(dir, { recursive: true });
  });

  it('loads GPT2Model names without the transformer. prefix, ignoring the attn.bias buffers real GPT-2 files carry', async () => {
    const bytes = editedFixture((t) => {
      for (const [k, v] of [...t]) { t.delete(k); t.set(k.replace(/^transformer\./, ''), v); }
      t.set('h.0.attn.bias', { shape: [1, 1, 16, 16], data: new Float32Array(256).fill(1) });
    });
    const m = await loadGPT({ config: fixtureConfig, weights: bytes });
    expect(maxAbsDiff(m.run(ids).lastLogits, currentLogits)).toBe(0);
    m.dispose();
  });

  it('maps GPT2Config both ways', () => {
    const c = configFromHF(fixtureConfig);
    expect(c).toMatchObject({ vocabSize: 48, blockSize: 16, nEmbd: 32, nLayer: 2, nHead: 4, nInner: 128, layerNormEps: 1e-5 });
    expect(configFromHF(configToHF(c))).toEqual(c);
  });

  const bad: [string, () => Promise<unknown>, RegExp, string][] = [
    ['a truncated file', () => loadGPT({ config: fixtureConfig, weights: fixtureBytes.slice(0, fixtureBytes.length - 100) }), /truncat|ends|short/i, 'WeightFileError'],
    ['a header larger than the file', () => {
      const b = fixtureBytes.slice();
      new DataView(b.buffer).setBigUint64(0, BigInt(b.length * 2), true);
      return loadGPT({ config: fixtureConfig, weights: b });
    }, /header/i, 'WeightFileError'],
    ['an HTML page saved as weights', () => loadGPT({ config: fixtureConfig, weights: new TextEncoder().encode('<!doctype html><html>Not found</html>') }), /./, 'WeightFileError'],
    ['a missing tensor', () => loadGPT({ config: fixtureConfig, weights: editedFixture((t) => t.delete('transformer.h.1.mlp.c_fc.bias')) }), /lacks 1 tensor.*h\.1\.mlp\.c_fc\.bias/, 'CheckpointError'],
    ['an extra layer', () => loadGPT({ config: fixtureConfig, weights: editedFixture((t) => t.set('transformer.h.2.ln_1.weight', { shape: [32], data: new Float32Array(32) })) }), /more layers than n_layer 2/, 'CheckpointError'],
    ['a wrong shape', () => loadGPT({ config: fixtureConfig, weights: editedFixture((t) => t.set('transformer.h.0.attn.c_attn.weight', { shape: [96, 32], data: new Float32Array(96 * 32) })) }), /c_attn\.weight is \[96, 32\].*needs \[32, 96\]/, 'CheckpointError'],
    ['a config for another model', () => loadGPT({ config: { ...fixtureConfig, vocab_size: 50257 }, weights: fixtureBytes }), /do not match config\.json.*vocab_size 50257/, 'CheckpointError'],
    ['an unsupported activation', () => loadGPT({ config: { ...fixtureConfig, activation_function: 'relu' }, weights: fixtureBytes }), /relu/, 'CheckpointError'],
    ['an untied head', () => loadGPT({ config: { ...fixtureConfig, tie_word_embeddings: false }, weights: fixtureBytes }), /tie_word_embeddings/, 'CheckpointError'],
    ['a config that is not GPT-2', () => loadGPT({ config: { ...fixtureConfig, model_type: 'llama' }, weights: fixtureBytes }), /llama/, 'CheckpointError'],
  ];
  for (const [what, load, message, errorName] of bad) {
    it(`refuses ${what} with a clear message, and the loaded model keeps working`, async () => {
      const err = await load().then(() => null, (e: unknown) => e as Error);
      expect(err).not.toBeNull();
      expect(err!.name).toBe(errorName);
      expect(err instanceof (errorName === 'WeightFileError' ? WeightFileError : CheckpointError)).toBe(true);
      expect(err!.message).toMatch(message);
      expect(maxAbsDiff(current.run(ids).lastLogits, currentLogits)).toBe(0);
    });
  }

  it('refuses unsupported dtypes (an int8 checkpoint)', async () => {
    const header = JSON.stringify({ 'transformer.wte.weight': { dtype: 'I8', shape: [2], data_offsets: [0, 2] } });
    const pad = (8 - (header.length % 8)) % 8;
    const h = new TextEncoder().encode(header + ' '.repeat(pad));
    const b = new Uint8Array(8 + h.length + 2);
    new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
    b.set(h, 8);
    const err = await loadGPT({ config: fixtureConfig, weights: b }).catch((e: WeightFileError) => e);
    expect(err).toBeInstanceOf(WeightFileError);
    expect((err as WeightFileError).code).toBe('unsupported-dtype');
  });
});
