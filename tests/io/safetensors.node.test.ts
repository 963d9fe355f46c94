import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WeightFileError, type WeightFileErrorCode } from '../../src/io/errors.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/io/float16.ts';
import { parseSafetensors } from '../../src/io/safetensors.ts';
import { serializeSafetensors, type TensorToWrite } from '../../src/io/safetensorsWrite.ts';

// Written by Python (PyTorch + safetensors); the reference this parser must agree with.
const fixtureDir = fileURLToPath(new URL('../fixtures/gpt2-tiny/', import.meta.url));
const modelBytes = new Uint8Array(readFileSync(fixtureDir + 'model.safetensors'));
const adapterBytes = new Uint8Array(readFileSync(fixtureDir + 'adapter_model.safetensors'));
const config = JSON.parse(readFileSync(fixtureDir + 'config.json', 'utf8')) as {
  n_embd: number; n_layer: number; n_positions: number; vocab_size: number;
};
const adapterConfig = JSON.parse(readFileSync(fixtureDir + 'adapter_config.json', 'utf8')) as {
  r: number; target_modules: string[];
};

/** The tensors of a Hugging Face GPT2LMHeadModel with tied embeddings; Conv1D weights are [in, out]. */
function expectedGpt2Shapes(): Map<string, number[]> {
  const { n_embd: d, n_layer, n_positions, vocab_size } = config;
  const shapes = new Map<string, number[]>([
    ['transformer.wte.weight', [vocab_size, d]],
    ['transformer.wpe.weight', [n_positions, d]],
    ['transformer.ln_f.weight', [d]],
    ['transformer.ln_f.bias', [d]],
  ]);
  for (let layer = 0; layer < n_layer; layer++) {
    const h = `transformer.h.${layer}`;
    shapes.set(`${h}.ln_1.weight`, [d]).set(`${h}.ln_1.bias`, [d]);
    shapes.set(`${h}.attn.c_attn.weight`, [d, 3 * d]).set(`${h}.attn.c_attn.bias`, [3 * d]);
    shapes.set(`${h}.attn.c_proj.weight`, [d, d]).set(`${h}.attn.c_proj.bias`, [d]);
    shapes.set(`${h}.ln_2.weight`, [d]).set(`${h}.ln_2.bias`, [d]);
    shapes.set(`${h}.mlp.c_fc.weight`, [d, 4 * d]).set(`${h}.mlp.c_fc.bias`, [4 * d]);
    shapes.set(`${h}.mlp.c_proj.weight`, [4 * d, d]).set(`${h}.mlp.c_proj.bias`, [d]);
  }
  return shapes;
}

/** Builds a safetensors file by hand: the header as given (padded to 8 bytes), then `data`. */
function buildFile(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  while (text.length % 8 !== 0) text += ' ';
  const headerBytes = new TextEncoder().encode(text);
  const file = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  file.set(headerBytes, 8);
  file.set(data, 8 + headerBytes.length);
  return file;
}

function f32Bytes(...values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function expectWeightFileError(run: () => unknown, code: WeightFileErrorCode, message: RegExp): WeightFileError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WeightFileError);
  const error = caught as WeightFileError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

describe('parseSafetensors on files written by Python', () => {
  it('reads every GPT-2 tensor with the shape the config implies', () => {
    const { tensors, metadata } = parseSafetensors(modelBytes);
    const expected = expectedGpt2Shapes();
    expect([...tensors.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, shape] of expected) {
      const tensor = tensors.get(name)!;
      expect(tensor.shape, name).toEqual(shape);
      expect(tensor.dtype).toBe('F32');
      expect(tensor.data.length).toBe(shape.reduce((a, b) => a * b, 1));
    }
    expect(tensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([32, 96]);
    expect(metadata).toEqual({ format: 'pt' });
  });

  it('decodes the same values as Python struct.unpack("<f")', () => {
    const { tensors } = parseSafetensors(modelBytes);
    // First values of each tensor, printed by Python from the raw bytes.
    expect(tensors.get('transformer.wte.weight')!.data.slice(0, 2)).toEqual(
      new Float32Array([0.0006150766857899725, 0.14937277138233185]));
    expect(tensors.get('transformer.ln_f.weight')!.data.slice(0, 2)).toEqual(
      new Float32Array([0.9549025893211365, 1.1668944358825684]));
    expect(tensors.get('transformer.h.1.mlp.c_proj.bias')!.data[1]).toBe(0.03735119476914406);
  });

  it('gives finite, plausibly scaled weights: LayerNorm gains near 1, biases small', () => {
    const { tensors } = parseSafetensors(modelBytes);
    for (const [name, { data }] of tensors) {
      expect(data.every(Number.isFinite), name).toBe(true);
      const mean = data.reduce((a, b) => a + b, 0) / data.length;
      if (/ln_\w+\.weight$/.test(name)) expect(Math.abs(mean - 1), name).toBeLessThan(0.1);
      else if (name.endsWith('.bias')) expect(Math.max(...data.map(Math.abs)), name).toBeLessThan(1);
      else expect(Math.abs(mean), name).toBeLessThan(0.1);
    }
  });

  it('reads the PEFT adapter: lora_A [r, in] and lora_B [out, r] per targeted module', () => {
    const { tensors, metadata } = parseSafetensors(adapterBytes, { fileName: 'adapter_model.safetensors' });
    const { r } = adapterConfig;
    const d = config.n_embd;
    const outFeatures: Record<string, number> = { 'attn.c_attn': 3 * d, 'attn.c_proj': d };
    const expected = new Map<string, number[]>();
    for (let layer = 0; layer < config.n_layer; layer++) {
      for (const module of adapterConfig.target_modules) {
        const prefix = `base_model.model.transformer.h.${layer}.${module}`;
        expected.set(`${prefix}.lora_A.weight`, [r, d]);
        expected.set(`${prefix}.lora_B.weight`, [outFeatures[module], r]);
      }
    }
    expect(new Map([...tensors].map(([name, t]) => [name, t.shape]))).toEqual(expected);
    for (const { data } of tensors.values()) {
      expect(data.every((x) => Number.isFinite(x) && Math.abs(x) < 2)).toBe(true);
    }
    expect(metadata).toEqual({ format: 'pt' });
  });

  it('accepts a Uint8Array view at an odd offset into a larger buffer', () => {
    const padded = new Uint8Array(modelBytes.length + 3);
    padded.set(modelBytes, 3);
    const fromView = parseSafetensors(padded.subarray(3));
    const direct = parseSafetensors(modelBytes.slice().buffer);
    for (const [name, tensor] of direct.tensors) expect(fromView.tensors.get(name)!.data).toEqual(tensor.data);
  });
});

describe('parseSafetensors accepts what the format allows', () => {
  it('reads the Rust reference test_empty file: no tensors, header "{}" and six spaces', () => {
    const rustEmpty = new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const { tensors, metadata } = parseSafetensors(rustEmpty);
    expect(tensors.size).toBe(0);
    expect(metadata).toEqual({});
  });

  it('reads scalars (shape []) and empty tensors (a 0 dimension)', () => {
    const file = buildFile({
      scalar: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
      empty: { dtype: 'F32', shape: [3, 0], data_offsets: [4, 4] },
      emptyAtStart: { dtype: 'F16', shape: [0], data_offsets: [0, 0] },
    }, f32Bytes(2.5));
    const { tensors } = parseSafetensors(file);
    expect(tensors.get('scalar')).toEqual({ dtype: 'F32', shape: [], data: new Float32Array([2.5]) });
    expect(tensors.get('empty')!.data.length).toBe(0);
    expect(tensors.get('emptyAtStart')!.data.length).toBe(0);
  });

  it('decodes F16, BF16 and F64 to float32, even at offsets not aligned to the element size', () => {
    const data = new Uint8Array(24);
    const view = new DataView(data.buffer);
    [1, -2, 65504].forEach((x, i) => view.setUint16(i * 2, float32ToFloat16Bits(x), true)); // a: bytes 0-6
    view.setFloat32(6, 0.1, true); // b: bytes 6-14, so not 4-byte aligned in the file
    view.setFloat32(10, -3.5, true);
    view.setUint16(14, 0x4049, true); // c: bf16 3.140625
    view.setFloat64(16, Math.PI, true); // d
    const file = buildFile({
      a: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
      b: { dtype: 'F32', shape: [2], data_offsets: [6, 14] },
      c: { dtype: 'BF16', shape: [1], data_offsets: [14, 16] },
      d: { dtype: 'F64', shape: [1, 1], data_offsets: [16, 24] },
    }, data);
    const { tensors } = parseSafetensors(file);
    expect(tensors.get('a')).toEqual({ dtype: 'F16', shape: [3], data: new Float32Array([1, -2, 65504]) });
    expect(tensors.get('b')!.data).toEqual(new Float32Array([0.1, -3.5]));
    expect(tensors.get('c')).toEqual({ dtype: 'BF16', shape: [1], data: new Float32Array([3.140625]) });
    expect(tensors.get('d')).toEqual({ dtype: 'F64', shape: [1, 1], data: new Float32Array([Math.PI]) });
  });

  it('returns tensors in data order whatever order the header lists them', () => {
    const file = buildFile({
      second: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      first: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    }, f32Bytes(1, 2));
    const { tensors } = parseSafetensors(file);
    expect([...tensors.keys()]).toEqual(['first', 'second']);
    expect(tensors.get('second')!.data[0]).toBe(2);
  });
});

describe('parseSafetensors rejects broken files with a learner-readable WeightFileError', () => {
  const headerLength = Number(new DataView(modelBytes.buffer, modelBytes.byteOffset).getBigUint64(0, true));

  it.each([0, 3, 7])('a file cut to %i bytes has no room for the header length', (cut) => {
    expectWeightFileError(() => parseSafetensors(modelBytes.slice(0, cut)), 'truncated', /8-byte header length/);
  });

  it.each([8, 9, 100, headerLength + 7])('a file cut to %i bytes ends inside the header', (cut) => {
    expectWeightFileError(() => parseSafetensors(modelBytes.slice(0, cut)), 'truncated',
      new RegExp(`header claims ${headerLength} bytes.*cut short`));
  });

  it.each([headerLength + 8, headerLength + 9, 50_000, modelBytes.length - 1])(
    'a file cut to %i bytes ends inside the tensor data, and the message names the last tensor',
    (cut) => {
      const error = expectWeightFileError(() => parseSafetensors(modelBytes.slice(0, cut), { fileName: 'model.safetensors' }),
        'truncated', /^model\.safetensors: Tensor "transformer\.h\.1\.mlp\.c_proj\.bias" needs data up to byte 110080/);
      expect(error.tensorName).toBe('transformer.h.1.mlp.c_proj.bias');
    });

  it('bytes after the last tensor are rejected: the data must be fully indexed', () => {
    const withTrailer = new Uint8Array(modelBytes.length + 5);
    withTrailer.set(modelBytes);
    expectWeightFileError(() => parseSafetensors(withTrailer), 'bad-offsets', /5 bytes follow the last tensor/);
  });

  it('a header larger than the limit is refused before it is decoded', () => {
    expectWeightFileError(() => parseSafetensors(modelBytes, { maxHeaderBytes: 1000 }), 'header-too-large',
      /2\.58 kB, over the 1\.00 kB limit/);
    const hugeLength = new Uint8Array(16).fill(0xff);
    expectWeightFileError(() => parseSafetensors(hugeLength), 'header-too-large', /over the 100 MB limit/);
  });

  it('an HTML page saved as .safetensors is recognised as such', () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>Not Found</body></html>');
    expectWeightFileError(() => parseSafetensors(html), 'header-too-large', /looks like an HTML page/);
  });

  it('a header that is not UTF-8, not JSON, or not an object is a bad header', () => {
    const notUtf8 = buildFile('{}');
    notUtf8.set([0xff, 0xfe], 10);
    expectWeightFileError(() => parseSafetensors(notUtf8), 'bad-header', /not valid UTF-8/);
    expectWeightFileError(() => parseSafetensors(buildFile('{"w": {"dtype": ')), 'bad-header', /not valid JSON/);
    expectWeightFileError(() => parseSafetensors(buildFile('[1, 2]')), 'bad-header', /must start with "\{"/);
    expectWeightFileError(() => parseSafetensors(buildFile(' {}')), 'bad-header', /must start with "\{"/);

    const corrupted = modelBytes.slice();
    corrupted[8 + 40] = 0x22; // a stray quote inside the real header
    expectWeightFileError(() => parseSafetensors(corrupted), 'bad-header', /not valid JSON/);
  });

  it('entries with missing or malformed fields name the tensor', () => {
    expectWeightFileError(() => parseSafetensors(buildFile({ w: { dtype: 'F32', shape: [1] } }, f32Bytes(1))),
      'bad-header', /Tensor "w" is missing data_offsets/);
    expectWeightFileError(() => parseSafetensors(buildFile({ w: [1, 2] })), 'bad-header', /Tensor "w": expected/);
    for (const shape of [[-1], [1.5], ['2'], 4]) {
      expectWeightFileError(() => parseSafetensors(buildFile({ w: { dtype: 'F32', shape, data_offsets: [0, 4] } }, f32Bytes(1))),
        'bad-header', /Tensor "w" has shape .* non-negative integers/);
    }
    expectWeightFileError(() => parseSafetensors(buildFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32Bytes(1))),
      'bad-header', /data_offsets \[0\]/);
    expectWeightFileError(() => parseSafetensors(buildFile({ __metadata__: { step: 3 } })),
      'bad-header', /"__metadata__" value "step" must be a string/);
  });

  it('unknown dtypes, and integer or quantised ones, are unsupported for weights', () => {
    expectWeightFileError(() => parseSafetensors(buildFile({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1))),
      'unsupported-dtype', /Tensor "w" has unknown dtype "Q4"/);
    for (const [dtype, bytes] of [['I8', 1], ['I32', 4], ['BOOL', 1], ['I64', 8], ['F8_E4M3', 1]] as const) {
      const error = expectWeightFileError(
        () => parseSafetensors(buildFile({ w: { dtype, shape: [1], data_offsets: [0, bytes] } }, new Uint8Array(bytes))),
        'unsupported-dtype', new RegExp(`Tensor "w" has dtype ${dtype}, which cannot be loaded as floating-point weights`));
      expect(error.tensorName).toBe('w');
    }
  });

  it('a byte range that disagrees with shape x dtype size is a shape mismatch', () => {
    expectWeightFileError(() => parseSafetensors(buildFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32Bytes(1))),
      'shape-mismatch', /Tensor "w" is F32 with shape \[2\], which needs 8 bytes, but its data_offsets span 4/);
    expectWeightFileError(() => parseSafetensors(buildFile({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 8] } }, f32Bytes(1, 2))),
      'shape-mismatch', /needs 4 bytes/);
    const overflow = { w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } };
    expectWeightFileError(() => parseSafetensors(buildFile(overflow, f32Bytes(1))), 'shape-mismatch', /needs too many bytes/);
  });

  it('overlapping tensors, holes, and reversed ranges are bad offsets', () => {
    const overlap = buildFile({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    }, f32Bytes(1, 2, 3));
    expectWeightFileError(() => parseSafetensors(overlap), 'bad-offsets', /Tensor "b" starts at byte 4, inside tensor "a".*overlap/);

    const hole = buildFile({
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    }, f32Bytes(1, 2, 3));
    expectWeightFileError(() => parseSafetensors(hole), 'bad-offsets', /leaving 4 bytes after tensor "a" that no tensor claims/);

    const notFromZero = buildFile({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32Bytes(1, 2));
    expectWeightFileError(() => parseSafetensors(notFromZero), 'bad-offsets', /4 bytes at the start of the data/);

    const reversed = buildFile({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32Bytes(1));
    expectWeightFileError(() => parseSafetensors(reversed), 'bad-offsets', /end is before begin/);
  });

  it('offsets past the end of the data are reported as a truncated file', () => {
    const file = buildFile({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32Bytes(1, 2));
    expectWeightFileError(() => parseSafetensors(file), 'truncated', /Tensor "w" needs data up to byte 16 but the data section has only 8 bytes/);
  });

  it('duplicate names (forbidden by the spec) surface as a hole left by the dropped entry', () => {
    const text = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectWeightFileError(() => parseSafetensors(buildFile(text, f32Bytes(1, 2))), 'bad-offsets', /no tensor claims/);
  });
});

describe('serializeSafetensors', () => {
  // Byte-for-byte outputs from the Rust reference's own tests (safetensors/src/tensor.rs).
  it('writes exactly the bytes of Rust test_serialization', () => {
    const out = serializeSafetensors({ 'attn.0': { shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header with spaces to 8 bytes, as Rust test_serialization_forced_alignement', () => {
    const out = serializeSafetensors(new Map([['attn0', { shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]]));
    expect([...out]).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
      121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
      91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
      32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
      160, 64,
    ]);
  });

  it('writes empty files with and without metadata as Rust test_empty', () => {
    expect([...serializeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect([...serializeSafetensors({}, { metadata: { framework: 'pt' } })]).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('round-trips the real checkpoint bit for bit, tensors in sorted-name order', () => {
    const original = parseSafetensors(modelBytes);
    const written = serializeSafetensors(original.tensors, { metadata: original.metadata });
    const reread = parseSafetensors(written);
    expect(reread.metadata).toEqual({ format: 'pt' });
    expect([...reread.tensors.keys()]).toEqual([...original.tensors.keys()].sort());
    for (const [name, tensor] of original.tensors) {
      expect(reread.tensors.get(name)).toEqual(tensor);
    }
  });

  it('sorts names by code point, keeping integer-like names in place', () => {
    const one = (x: number): TensorToWrite => ({ shape: [1], data: new Float32Array([x]) });
    const written = serializeSafetensors({ b: one(1), 10: one(2), a: one(3), 2: one(4) });
    const length = Number(new DataView(written.buffer).getBigUint64(0, true));
    const headerText = new TextDecoder().decode(written.subarray(8, 8 + length));
    const names = [...headerText.matchAll(/"(\w+)":\{"dtype"/g)].map((match) => match[1]);
    expect(names).toEqual(['10', '2', 'a', 'b']);
    expect([...parseSafetensors(written).tensors].map(([name, t]) => [name, t.data[0]]))
      .toEqual([['10', 2], ['2', 4], ['a', 3], ['b', 1]]);
  });

  it('F16 keeps representable values exactly and others within half-precision rounding', () => {
    const exact = new Float32Array([0, -0.5, 1, -3.25, 1024, 65504, 2 ** -14, 2 ** -24, -(2 ** -20)]);
    const noisy = new Float32Array(1000).map((_, i) => Math.sin(i * 12.9898) * 100);
    const reread = parseSafetensors(serializeSafetensors({ exact: { shape: [exact.length], data: exact }, noisy: { shape: [10, 100], data: noisy } }, { dtype: 'F16' }));
    expect(reread.tensors.get('exact')).toEqual({ dtype: 'F16', shape: [exact.length], data: exact });
    const decoded = reread.tensors.get('noisy')!;
    expect(decoded.dtype).toBe('F16');
    for (let i = 0; i < noisy.length; i++) {
      expect(decoded.data[i]).toBe(float16BitsToFloat32(float32ToFloat16Bits(noisy[i])));
      // Half precision has 11 significant bits: relative error at most 2^-11 for normals.
      expect(Math.abs(decoded.data[i] - noisy[i])).toBeLessThanOrEqual(Math.abs(noisy[i]) * 2 ** -11 + 2 ** -25);
    }
  });

  it('refuses data whose length does not match its shape, or the reserved name', () => {
    expectWeightFileError(() => serializeSafetensors({ w: { shape: [2, 3], data: new Float32Array(5) } }),
      'shape-mismatch', /Tensor "w" has shape \[2, 3\] but 5 values/);
    expectWeightFileError(() => serializeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } }),
      'bad-header', /reserved/);
  });
});
