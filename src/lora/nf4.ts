/**
 * 4-bit NormalFloat (NF4) quantisation from QLoRA (Dettmers et al. 2023), as
 * bitsandbytes implements it: weights in blocks of 64, each block scaled by its
 * absolute maximum into [−1, 1] and rounded to the nearest of 16 levels placed
 * at quantiles of a normal distribution (weights are roughly normal, so each
 * level is used about equally). Double quantisation stores the per-block
 * absmax constants themselves in 8 bits, per 256 blocks.
 */
export const NF4_LEVELS: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

export interface NF4Tensor {
  length: number;
  blockSize: number;
  /** Two 4-bit codes per byte. */
  codes: Uint8Array;
  /** Per-block absmax, either as float32 or (double quantised) as int8 codes with one float32 scale per group. */
  absmax: Float32Array | { codes: Int8Array; scales: Float32Array; offset: number; groupSize: number };
}

function nearestLevel(x: number): number {
  let best = 0;
  let bestDist = Infinity;
  for (let i = 0; i < 16; i++) {
    const d = Math.abs(NF4_LEVELS[i] - x);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  return best;
}

export function quantizeNF4(data: Float32Array, opts: { blockSize?: number; doubleQuant?: boolean } = {}): NF4Tensor {
  const blockSize = opts.blockSize ?? 64;
  const blocks = Math.ceil(data.length / blockSize);
  const absmax = new Float32Array(blocks);
  const codes = new Uint8Array(Math.ceil(data.length / 2));
  for (let b = 0; b < blocks; b++) {
    let m = 0;
    for (let i = b * blockSize; i < Math.min(data.length, (b + 1) * blockSize); i++) m = Math.max(m, Math.abs(data[i]));
    absmax[b] = m;
  }
  const scaleOf = opts.doubleQuant ? doubleQuantize(absmax) : null;
  const absmaxUsed = scaleOf ? dequantizeAbsmax(scaleOf, blocks) : absmax;
  for (let i = 0; i < data.length; i++) {
    const m = absmaxUsed[Math.floor(i / blockSize)];
    const code = nearestLevel(m === 0 ? 0 : data[i] / m);
    codes[i >> 1] |= i & 1 ? code << 4 : code;
  }
  return { length: data.length, blockSize, codes, absmax: scaleOf ?? absmax };
}

/** Second-level quantisation of the block constants: subtract their mean, int8 per group of 256. */
function doubleQuantize(absmax: Float32Array, groupSize = 256): NF4Tensor['absmax'] {
  const offset = absmax.reduce((s, v) => s + v, 0) / Math.max(1, absmax.length);
  const groups = Math.ceil(absmax.length / groupSize);
  const scales = new Float32Array(groups);
  const codes = new Int8Array(absmax.length);
  for (let g = 0; g < groups; g++) {
    let m = 0;
    for (let i = g * groupSize; i < Math.min(absmax.length, (g + 1) * groupSize); i++) m = Math.max(m, Math.abs(absmax[i] - offset));
    scales[g] = m / 127;
    for (let i = g * groupSize; i < Math.min(absmax.length, (g + 1) * groupSize); i++) {
      codes[i] = scales[g] === 0 ? 0 : Math.round((absmax[i] - offset) / scales[g]);
    }
  }
  return { codes, scales, offset, groupSize };
}

function dequantizeAbsmax(a: NF4Tensor['absmax'], blocks: number): Float32Array {
  if (a instanceof Float32Array) return a;
  const out = new Float32Array(blocks);
  // A constant a little below its block's true max only clips that block's largest value to level ±1.
  for (let i = 0; i < blocks; i++) out[i] = a.offset + a.codes[i] * a.scales[Math.floor(i / a.groupSize)];
  return out;
}

export function dequantizeNF4(q: NF4Tensor): Float32Array {
  const blocks = Math.ceil(q.length / q.blockSize);
  const absmax = dequantizeAbsmax(q.absmax, blocks);
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const code = i & 1 ? q.codes[i >> 1] >> 4 : q.codes[i >> 1] & 15;
    out[i] = NF4_LEVELS[code] * absmax[Math.floor(i / q.blockSize)];
  }
  return out;
}

/** Bytes the quantised tensor occupies: 4 bits a weight plus its share of the block constants. */
export function nf4Bytes(q: NF4Tensor): number {
  const constants = q.absmax instanceof Float32Array ? q.absmax.length * 4 : q.absmax.codes.length + q.absmax.scales.length * 4 + 4;
  return q.codes.length + constants;
}
