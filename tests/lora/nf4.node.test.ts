import { describe, expect, it } from 'vitest';
import { NF4_LEVELS, dequantizeNF4, nf4Bytes, quantizeNF4 } from '../../src/lora/nf4.ts';
import { Rng } from '../../src/util/random.ts';

describe('NF4 quantisation (QLoRA)', () => {
  it('has 16 levels from −1 to 1 with an exact zero', () => {
    expect(NF4_LEVELS).toHaveLength(16);
    expect(NF4_LEVELS[0]).toBe(-1);
    expect(NF4_LEVELS[15]).toBe(1);
    expect(NF4_LEVELS).toContain(0);
  });

  it('represents level × absmax values exactly and stays within half a level step otherwise', () => {
    const exact = Float32Array.from(NF4_LEVELS.map((l) => l * 0.5).concat(NF4_LEVELS.map((l) => l * 0.5)));
    expect(Array.from(dequantizeNF4(quantizeNF4(exact, { blockSize: 32 })))).toEqual(Array.from(exact));
    const rng = new Rng(3);
    const w = Float32Array.from({ length: 4096 }, () => rng.normal() * 0.02);
    const back = dequantizeNF4(quantizeNF4(w));
    let maxRel = 0;
    for (let b = 0; b < 64; b++) {
      const block = w.subarray(b * 64, (b + 1) * 64);
      const m = Math.max(...Array.from(block, Math.abs));
      for (let i = 0; i < 64; i++) maxRel = Math.max(maxRel, Math.abs(back[b * 64 + i] - block[i]) / m);
    }
    expect(maxRel).toBeLessThan(0.17); // the widest gap between levels is 0.30 (−1 … −0.70), half of it 0.15
  });

  it('takes about a quarter of 16-bit storage; double quantisation shrinks the block constants', () => {
    const rng = new Rng(4);
    const w = Float32Array.from({ length: 64 * 512 }, () => rng.normal());
    const single = quantizeNF4(w);
    const double = quantizeNF4(w, { doubleQuant: true });
    expect(nf4Bytes(single)).toBe(w.length / 2 + 512 * 4); // 4.5 bits per weight
    expect(nf4Bytes(double)).toBeLessThan(w.length / 2 + 512 * 1.1); // ≈ 4.13 bits per weight
    const err = (q: typeof single) => { const d = dequantizeNF4(q); return d.reduce((s, v, i) => s + (v - w[i]) ** 2, 0) / w.length; };
    expect(err(double)).toBeLessThan(err(single) * 1.1); // costs almost no accuracy
  });
});
