import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  bfloat16ToFloat32Array,
  float16BitsToFloat32,
  float16ToFloat32Array,
  float32ToFloat16Array,
  float32ToFloat16Bits,
} from '../../src/io/float16.ts';

// Bit patterns from Python's struct.pack('<e', x), which implements IEEE 754
// binary16 with round-half-to-even, applied to each input after rounding it to
// float32 (struct.pack('<f')), since our converter narrows float32 weights.
const PYTHON_STRUCT_F16: Array<[number, number]> = [
  [1.0, 0x3c00],
  [-2.0, 0xc000],
  [65504, 0x7bff], // largest finite half
  [65519, 0x7bff], // just below the halfway point to 65536
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [2 ** -25, 0x0000], // halfway between 0 and 2^-24: ties to even (0)
  [Math.fround(2 ** -25 * (1 + 2 ** -23)), 0x0001], // just above that halfway point
  [3 * 2 ** -25, 0x0002], // halfway between subnormals 1 and 2: to even
  [Math.fround(4.5e-6), 0x004b],
  [Math.fround(6.1e-5), 0x03ff], // rounds to the largest subnormal
  [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1+2^-10: ties to even (down)
  [1 + 3 * 2 ** -11, 0x3c02], // halfway between 0x3c01 and 0x3c02: to even (up)
  [2049, 0x6800], // halfway between 2048 and 2050: down to even
  [2051, 0x6802], // halfway between 2050 and 2052: up to even
  [Math.fround(0.1), 0x2e66],
  [Math.fround(1 / 3), 0x3555],
  [Math.fround(0.7), 0x399a],
  [Math.fround(3.14159265), 0x4248],
  [Math.fround(-123.456), 0xd7b7],
  [Math.fround(1e-5), 0x00a8],
  [Math.fround(-1e-8), 0x8000], // underflows to negative zero
  [-0, 0x8000],
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

describe('float32 -> float16', () => {
  it.each(withHex(PYTHON_STRUCT_F16))('$value -> $hex, as Python struct.pack("<e")', ({ value, bits }) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it('overflows to infinity from 65520, the tie between 65504 and 65536, as numpy does', () => {
    // Python's struct raises OverflowError here; IEEE 754 (and numpy, torch) give Infinity.
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-1e6)).toBe(0xfc00);
    expect(float32ToFloat16Bits(3.4e38)).toBe(0x7c00);
  });

  it('keeps NaN a NaN (0x7e00, as numpy) and never turns it into Infinity', () => {
    expect(float32ToFloat16Bits(NaN)).toBe(0x7e00);
    // A float32 NaN whose payload sits only in the low 13 bits must not become 0x7c00.
    const bits = new Uint32Array([0x7f800001]);
    const narrowed = float32ToFloat16Array(new Float32Array(bits.buffer))[0];
    expect(narrowed & 0x7c00).toBe(0x7c00);
    expect(narrowed & 0x03ff).not.toBe(0);
  });

  it('rounds every float32 to the nearest half, ties to the even pattern', () => {
    const random = mulberry32(1234);
    const input = new Float32Array(20_000);
    const f32Bits = new Uint32Array(input.buffer);
    for (let i = 0; i < input.length; i += 2) {
      // Uniform over bit patterns from 2^-26 to 2^16: zero, subnormal and normal halves...
      f32Bits[i] = 0x32800000 + Math.floor(random() * (0x47800000 - 0x32800000));
      // ...and exact midpoints between neighbouring halves, where ties-to-even decides.
      const h = Math.floor(random() * 0x7bff);
      input[i + 1] = (float16BitsToFloat32(h) + float16BitsToFloat32(h + 1)) / 2;
    }
    const halves = float32ToFloat16Array(input);
    const wrong: string[] = [];
    for (let i = 0; i < input.length; i++) {
      const x = input[i];
      const h = halves[i];
      if (h === 0x7c00) {
        if (x < 65520) wrong.push(`${x} -> Infinity`);
        continue;
      }
      const error = Math.abs(float16BitsToFloat32(h) - x);
      const below = h > 0 ? Math.abs(float16BitsToFloat32(h - 1) - x) : Infinity;
      const above = h < 0x7bff ? Math.abs(float16BitsToFloat32(h + 1) - x) : Infinity;
      const isTie = error === below || error === above;
      if (error > below || error > above || (isTie && (h & 1) === 1)) wrong.push(`${x} -> ${h.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('float16 -> float32', () => {
  it.each(withHex([
    [1, 0x3c00],
    [1 + 2 ** -10, 0x3c01],
    [-2, 0xc000],
    [65504, 0x7bff],
    [2 ** -14, 0x0400],
    [1023 * 2 ** -24, 0x03ff],
    [2 ** -24, 0x0001],
    [0.333251953125, 0x3555],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [-0, 0x8000],
  ]))('$hex -> $value (IEEE 754 binary16)', ({ value, bits }) => {
    expect(float16BitsToFloat32(bits)).toBe(value);
  });

  it('decodes NaN patterns to NaN', () => {
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('round-trips all 65536 half bit patterns exactly (NaNs stay NaN)', () => {
    const allBits = new Uint16Array(65536).map((_, i) => i);
    const widened = float16ToFloat32Array(allBits);
    const narrowed = float32ToFloat16Array(widened);
    const wrong: number[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const isNaN = (bits & 0x7c00) === 0x7c00 && (bits & 0x03ff) !== 0;
      const ok = isNaN
        ? Number.isNaN(widened[bits]) && (narrowed[bits] & 0x7fff) > 0x7c00
        : narrowed[bits] === bits && Object.is(widened[bits], float16BitsToFloat32(bits));
      if (!ok) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('rejects an output array of the wrong length', () => {
    expect(() => float16ToFloat32Array(new Uint16Array(3), new Float32Array(2))).toThrow(RangeError);
  });
});

describe('bfloat16 -> float32', () => {
  // bf16 is the top half of a float32: the pattern shifted left 16 bits.
  it.each(withHex([
    [1, 0x3f80],
    [-2, 0xc000],
    [3.140625, 0x4049],
    [0.25, 0x3e80],
    [3.3895313892515355e38, 0x7f7f], // largest finite bf16
    [2 ** -133, 0x0001], // smallest subnormal bf16
    [Infinity, 0x7f80],
    [-Infinity, 0xff80],
    [-0, 0x8000],
  ]))('$hex -> $value', ({ value, bits }) => {
    expect(bfloat16BitsToFloat32(bits)).toBe(value);
    expect(bfloat16ToFloat32Array(new Uint16Array([bits]))[0]).toBe(value);
  });

  it('decodes 0x7fc0 to NaN', () => {
    expect(bfloat16BitsToFloat32(0x7fc0)).toBeNaN();
  });
});

function withHex(cases: Array<[number, number]>): Array<{ value: number; bits: number; hex: string }> {
  return cases.map(([value, bits]) => ({ value, bits, hex: `0x${bits.toString(16).padStart(4, '0')}` }));
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
