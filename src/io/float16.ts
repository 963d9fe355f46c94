// IEEE 754 binary16 ("half", F16) and bfloat16 (BF16) conversions over raw bit
// patterns. Checkpoints on the Hugging Face Hub are often stored in one of the
// two to halve their size; TF.js computes in float32, so we widen on load and
// narrow (F16 only) on save.
//
//   float32  s eeeeeeee mmmmmmmmmmmmmmmmmmmmmmm   bias 127
//   float16  s eeeee    mmmmmmmmmm                bias 15
//   bfloat16 s eeeeeeee mmmmmmm                   bias 127 (the top half of a float32)
//
// Narrowing rounds to nearest, ties to even, as IEEE 754's default rounding,
// numpy's astype(float16), torch's .half() and Python's struct.pack('<e') do.
// Values that round past the largest half (65504) become ±Infinity, as in those
// libraries; NaN stays NaN.

// Reinterpreting one float32 as its bits needs a 4-byte scratch buffer.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The float16 bit pattern nearest to `value` (first rounded to float32). */
export function float32ToFloat16Bits(value: number): number {
  scratchF32[0] = value;
  return float32BitsToFloat16Bits(scratchU32[0]);
}

/** The float32 value of a float16 bit pattern (exact: every half is a float). */
export function float16BitsToFloat32(bits: number): number {
  scratchU32[0] = float16BitsToFloat32Bits(bits);
  return scratchF32[0];
}

/** The float32 value of a bfloat16 bit pattern (exact: bf16 is a truncated float32). */
export function bfloat16BitsToFloat32(bits: number): number {
  scratchU32[0] = (bits & 0xffff) << 16;
  return scratchF32[0];
}

/** Narrows float32 values to float16 bit patterns, round-to-nearest-even. */
export function float32ToFloat16Array(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  checkLengths(src.length, out.length);
  // A Float32Array's byteOffset is always a multiple of 4, so a Uint32Array can alias it.
  const srcBits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < srcBits.length; i++) out[i] = float32BitsToFloat16Bits(srcBits[i]);
  return out;
}

/** Widens float16 bit patterns to float32 values. */
export function float16ToFloat32Array(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  checkLengths(src.length, out.length);
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) outBits[i] = float16BitsToFloat32Bits(src[i]);
  return out;
}

/** Widens bfloat16 bit patterns to float32 values. */
export function bfloat16ToFloat32Array(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  checkLengths(src.length, out.length);
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) outBits[i] = src[i] << 16;
  return out;
}

function checkLengths(srcLength: number, outLength: number): void {
  if (outLength !== srcLength) {
    throw new RangeError(`output has ${outLength} elements but the input has ${srcLength}`);
  }
}

function float32BitsToFloat16Bits(f32Bits: number): number {
  const sign = (f32Bits >>> 16) & 0x8000;
  const magnitude = f32Bits & 0x7fffffff;

  if (magnitude >= 0x7f800000) {
    if (magnitude === 0x7f800000) return sign | 0x7c00; // ±Infinity
    // NaN: keep the top payload bits and force the quiet bit, so the result is
    // never mistaken for Infinity (mantissa 0). numpy gives 0x7e00 for np.nan.
    return sign | 0x7e00 | ((magnitude >>> 13) & 0x03ff);
  }
  // 65520 = 0x477ff000 is halfway between 65504 (the largest half) and the
  // next step, 65536; ties go to even, which is the Infinity pattern.
  if (magnitude >= 0x477ff000) return sign | 0x7c00;

  if (magnitude >= 0x38800000) {
    // Normal half (|x| >= 2^-14): rebias the exponent (127 -> 15, i.e. subtract
    // 112 << 23) and drop 13 mantissa bits. A carry out of the mantissa rounds
    // correctly into the exponent.
    let half = (magnitude - 0x38000000) >>> 13;
    const dropped = magnitude & 0x1fff;
    if (dropped > 0x1000 || (dropped === 0x1000 && (half & 1) === 1)) half++;
    return sign | half;
  }

  // Below 2^-25 everything rounds to zero (2^-25 itself is a tie, and 0 is even).
  if (magnitude < 0x33000000) return sign;

  // Subnormal half: value = h * 2^-24. The float32 is M * 2^(e - 150) with the
  // implicit leading 1 in M, so h = M * 2^(e - 126), a right shift by 126 - e.
  const exponent = magnitude >>> 23;
  const significand = (magnitude & 0x007fffff) | 0x00800000;
  const shift = 126 - exponent; // 14..24 in this range
  let half = significand >>> shift;
  const dropped = significand & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (dropped > halfway || (dropped === halfway && (half & 1) === 1)) half++;
  return sign | half; // a carry to 0x0400 is the smallest normal, as it should be
}

function float16BitsToFloat32Bits(f16Bits: number): number {
  const sign = (f16Bits & 0x8000) << 16;
  const exponent = (f16Bits >>> 10) & 0x1f;
  let mantissa = f16Bits & 0x03ff;

  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // Inf / NaN
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0; // ±0

  // Subnormal half: every one is a normal float32. Shift the mantissa up until
  // its leading 1 reaches the implicit-bit position, lowering the exponent.
  let f32Exponent = 113; // 2^-14 in float32 bias
  while ((mantissa & 0x0400) === 0) {
    mantissa <<= 1;
    f32Exponent--;
  }
  return (sign | (f32Exponent << 23) | ((mantissa & 0x03ff) << 13)) >>> 0;
}
