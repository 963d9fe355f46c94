import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

/**
 * WebGL programs for one cached decoding step of a GPT-2 (batch 1, one new
 * token), each doing the work of several TF.js kernels in one draw call.
 * ./decode.ts runs them; the op-by-op path in gpt.ts is the reference they
 * must match (the same float32 formulas, summed in another order).
 *
 * Layouts. Every program reads and writes TF.js's *packed* textures, the
 * layout the webgl backend gives weights used by its packed kernels: the last
 * two axes in 2×2 blocks, one RGBA texel each — texel (r, c), r and c even,
 * holds [r,c], [r,c+1], [r+1,c], [r+1,c+1] as x, y, z, w; a 1-D tensor [n] is
 * laid out as [1, n]. So `getW(i, j)` gives W[i, j..j+1] in .xy and
 * W[i+1, j..j+1] in .zw.
 *
 * A row of n activations (the residual stream, q/k/v, the MLP's hidden layer,
 * the logits) is held as [2, n/2]: features f and n/2 + f share a texel, so a
 * texel carries four features, and a program computes four outputs per texel.
 * On SwiftShader (headless Chromium's software GPU) a texel fetch costs tens
 * of nanoseconds and a draw ~0.2 ms whatever it does, so the programs are
 * written to fetch each weight texel once and the row's few texels as few
 * times as they can.
 *
 * Sizes are compiled into the shader text; what changes from token to token
 * (token id, position, number of keys) is a uniform, so one generation
 * compiles each program once. ./decode.ts checks the sizes these programs
 * need (widths multiples of 4, an even number of heads).
 */

/** A float literal GLSL accepts (`1` is an int there). */
function glslFloat(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Where a program's input row [2, width/2] comes from; it defines `vec4 rowAt(int a)`: features a, a+1, width/2+a, width/2+a+1. */
export interface RowSource {
  names: string[];
  uniforms: { name: string; type: 'int' }[];
  glsl: string;
}

/** A row a program made before ([2, width/2], under the name `name`). */
export function activationRow(name: string): RowSource {
  const getter = `get${name[0].toUpperCase()}${name.slice(1)}`;
  return { names: [name], uniforms: [], glsl: `vec4 rowAt(int a) { return ${getter}(0, a); }` };
}

/** The first layer's input, read straight from the tables: wte[tokenId] + wpe[position] (embedding and position add, as gpt.ts). */
export function embeddingRow(width: number): RowSource {
  const half = width / 2;
  return {
    names: ['wte', 'wpe'],
    uniforms: [
      { name: 'tokenId', type: 'int' },
      { name: 'position', type: 'int' },
    ],
    glsl: `
      vec2 tableRow(vec4 t, int row) { return (row & 1) == 0 ? t.xy : t.zw; }
      vec4 rowAt(int a) {
        vec4 tok = vec4(tableRow(getWte(tokenId, a), tokenId), tableRow(getWte(tokenId, a + ${half}), tokenId));
        vec4 pos = vec4(tableRow(getWpe(position, a), position), tableRow(getWpe(position, a + ${half}), position));
        return tok + pos;
      }`,
  };
}

/**
 * acc += h·W for input features (a, a+1, K/2+a, K/2+a+1) in h and outputs
 * (c, c+1, N/2+c, N/2+c+1) in acc; W [K, N] in `getWeight`.
 */
function matVecTerm(inFeatures: number, outFeatures: number): string {
  const [k2, n2] = [inFeatures / 2, outFeatures / 2];
  return `
      vec4 w00 = getWeight(a, c);
      vec4 w01 = getWeight(a, c + ${n2});
      vec4 w10 = getWeight(a + ${k2}, c);
      vec4 w11 = getWeight(a + ${k2}, c + ${n2});
      acc.xy += h.x * w00.xy + h.y * w00.zw + h.z * w10.xy + h.w * w10.zw;
      acc.zw += h.x * w01.xy + h.y * w01.zw + h.z * w11.xy + h.w * w11.zw;`;
}

/**
 * GPT-2's gelu_new of four values, as ops.ts writes it, with TF.js WebGL's own
 * tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
const GELU_NEW = `
    vec4 inner = (acc + ((acc * acc) * acc) * 0.044715) * ${glslFloat(Math.fround(Math.sqrt(2 / Math.PI)))};
    vec4 e2x = exp(-2.0 * abs(inner));
    vec4 th = sign(inner) * (1.0 - e2x) / (1.0 + e2x);
    acc = (acc * 0.5) * (th + 1.0);`;

/** Base of every program here: packed in, packed out. */
abstract class PackedProgram implements GPGPUProgram {
  abstract variableNames: string[];
  abstract outputShape: number[];
  abstract userCode: string;
  customUniforms: { name: string; type: 'int' }[] = [];
  readonly packedInputs = true;
  readonly packedOutput = true;
}

/**
 * GPT-2's LayerNorm of a row: (x − mean)/√(var + eps)·γ + β, as ops.ts.
 * row [2, C/2], γ, β [C] → [2, C/2]. Each output texel recomputes the row's
 * statistics (C values: cheaper than another draw); kept apart from the
 * product after it, where every output texel would recompute them again.
 */
export class LayerNormProgram extends PackedProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;

  constructor(source: RowSource, width: number, eps: number) {
    super();
    const half = width / 2;
    this.variableNames = [...source.names, 'gamma', 'beta'];
    this.customUniforms = source.uniforms;
    this.outputShape = [2, half];
    this.userCode = `
      ${source.glsl}
      void main() {
        int c = getOutputCoords().y;
        float mean = 0.0;
        for (int a = 0; a < ${half}; a += 2) {
          vec4 x = rowAt(a);
          mean += x.x + x.y + x.z + x.w;
        }
        mean /= ${glslFloat(width)};
        float variance = 0.0;
        for (int a = 0; a < ${half}; a += 2) {
          vec4 d = rowAt(a) - mean;
          variance += dot(d, d);
        }
        variance /= ${glslFloat(width)};
        float rstd = inversesqrt(variance + ${glslFloat(eps)});
        vec4 g = vec4(getGamma(c).xy, getGamma(c + ${half}).xy);
        vec4 b = vec4(getBeta(c).xy, getBeta(c + ${half}).xy);
        setOutput(((rowAt(c) - mean) * rstd) * g + b);
      }`;
  }
}

/**
 * A linear layer, h·W + b, then gelu_new (c_fc) or the residual add
 * (c_proj: residual + (h·W + b)) or neither (c_attn).
 * h [2, K/2], W [K, N], b [N] (, residual row) → [2, N/2].
 */
export class LinearProgram extends PackedProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;

  constructor(inFeatures: number, outFeatures: number, after: { gelu?: boolean; residual?: RowSource }) {
    super();
    const residual = after.residual;
    this.variableNames = ['h', 'weight', 'bias', ...(residual?.names ?? [])];
    this.customUniforms = residual?.uniforms ?? [];
    this.outputShape = [2, outFeatures / 2];
    this.userCode = `
      ${residual?.glsl ?? ''}
      void main() {
        int c = getOutputCoords().y;
        vec4 acc = vec4(0.0);
        for (int a = 0; a < ${inFeatures / 2}; a += 2) {
          vec4 h = getH(0, a);
          ${matVecTerm(inFeatures, outFeatures)}
        }
        acc += vec4(getBias(c).xy, getBias(c + ${outFeatures / 2}).xy);
        ${after.gelu ? GELU_NEW : ''}
        setOutput(${residual ? 'rowAt(c) + acc' : 'acc'});
      }`;
  }
}

/** GLSL `vec2 qkvPair(int f)`: features f, f+1 (f even) of the c_attn output [2, 3C/2]. */
function qkvPair(width: number): string {
  const half = (3 * width) / 2;
  return `vec2 qkvPair(int f) { return f < ${half} ? getQkv(0, f).xy : getQkv(0, f - ${half}).zw; }`;
}

/**
 * The static KV cache with one slot written: a copy of cache [nh, capacity, hs]
 * whose row `slot` of every head is this token's keys (or values), taken from
 * the c_attn output qkv at `offset` (C for keys, 2C for values) and split into
 * heads on the way (head h's features are offset + h·hs …). The held cache
 * must have the output's texture shape (decode.ts checks): each texel is
 * copied from the same place, without the sampler's index arithmetic.
 */
export class CacheWriteProgram extends PackedProgram {
  variableNames = ['cache', 'qkv'];
  outputShape: number[];
  userCode: string;

  constructor(nHead: number, capacity: number, headSize: number, offset: number) {
    super();
    this.customUniforms = [{ name: 'slot', type: 'int' }];
    this.outputShape = [nHead, capacity, headSize];
    this.userCode = `
      ${qkvPair(nHead * headSize)}
      void main() {
        ivec3 c = getOutputCoords(); // head, slot (even), feature (even)
        vec4 held = texture(cache, resultUV); // the same texel of the held cache (same shape, same texture layout)
        vec2 fresh = qkvPair(${offset} + c.x * ${headSize} + c.z);
        if (c.y == slot) held.xy = fresh;
        else if (c.y + 1 == slot) held.zw = fresh;
        setOutput(held);
      }`;
  }
}

/**
 * The texels of this step's slot pair, for keys and values of every head:
 * [2·nh, 2, hs], row b < nh holding head b's keys at slots (slot & ~1) and
 * (slot & ~1) + 1, row nh + b its values — the held pair with this token's
 * half put in. ./decode.ts copies these rows into the cache's own textures,
 * so a step writes 2·nh texel rows instead of copying the whole cache.
 */
export class SlotPairProgram extends PackedProgram {
  variableNames = ['k', 'v', 'qkv'];
  outputShape: number[];
  userCode: string;

  constructor(nHead: number, headSize: number) {
    super();
    const width = nHead * headSize;
    this.customUniforms = [{ name: 'slot', type: 'int' }];
    this.outputShape = [2 * nHead, 2, headSize];
    this.userCode = `
      ${qkvPair(width)}
      void main() {
        ivec3 c = getOutputCoords(); // row, 0, feature (even)
        int pair = slot - (slot & 1);
        bool isKey = c.x < ${nHead};
        int h = isKey ? c.x : c.x - ${nHead};
        vec4 held = isKey ? getK(h, pair, c.z) : getV(h, pair, c.z);
        vec2 fresh = qkvPair((isKey ? ${width} : ${2 * width}) + h * ${headSize} + c.z);
        if ((slot & 1) == 0) held.xy = fresh;
        else held.zw = fresh;
        setOutput(held);
      }`;
  }
}

/**
 * Attention scores of the one query against every held key, every head:
 * q·kᵀ/√hs → [nh, capacity] (texel: heads h, h+1 × keys j, j+1). Slots from
 * `keyCount` on are the masked tail: left as zeros, never read.
 */
export class AttentionScoresProgram extends PackedProgram {
  variableNames = ['qkv', 'k'];
  outputShape: number[];
  userCode: string;

  constructor(nHead: number, capacity: number, headSize: number) {
    super();
    this.customUniforms = [{ name: 'keyCount', type: 'int' }];
    this.outputShape = [nHead, capacity];
    this.userCode = `
      ${qkvPair(nHead * headSize)}
      void main() {
        ivec2 rc = getOutputCoords();
        int h = rc.x;
        int j = rc.y;
        if (j >= keyCount) {
          setOutput(vec4(0.0));
          return;
        }
        vec4 s = vec4(0.0); // (h, j), (h, j+1), (h+1, j), (h+1, j+1)
        for (int d = 0; d < ${headSize}; d += 2) {
          vec2 qa = qkvPair(h * ${headSize} + d);
          vec2 qb = qkvPair((h + 1) * ${headSize} + d);
          vec4 ka = getK(h, j, d);
          vec4 kb = getK(h + 1, j, d);
          s += vec4(dot(qa, ka.xy), dot(qa, ka.zw), dot(qb, kb.xy), dot(qb, kb.zw));
        }
        setOutput(s * ${glslFloat(Math.fround(1 / Math.sqrt(headSize)))});
      }`;
  }
}

/**
 * softmax(scores over the first `keyCount` keys)·V for every head, written in
 * the merged layout c_proj reads ([2, C/2]: head h's outputs at h·hs …). The
 * reference's masked tail has probability exactly zero, so it is skipped here.
 * As TF.js's softmax: subtract the row's maximum, exponentiate, divide by the sum.
 */
export class AttentionValuesProgram extends PackedProgram {
  variableNames = ['scores', 'v'];
  outputShape: number[];
  userCode: string;

  constructor(nHead: number, capacity: number, headSize: number) {
    super();
    const width = nHead * headSize;
    this.customUniforms = [{ name: 'keyCount', type: 'int' }];
    this.outputShape = [2, width / 2];
    this.userCode = `
      vec2 scorePair(int h, int j) { vec4 t = getScores(h, j); return (h & 1) == 0 ? t.xy : t.zw; } // keys j, j+1
      void main() {
        int c = getOutputCoords().y;
        int headA = c / ${headSize};
        int d = c - headA * ${headSize};
        int headB = headA + ${nHead / 2}; // feature C/2 + c
        vec2 maxAB = vec2(-1e30);
        for (int j = 0; j < ${capacity}; j += 2) {
          if (j >= keyCount) break;
          vec2 sa = scorePair(headA, j);
          vec2 sb = scorePair(headB, j);
          if (j + 1 >= keyCount) { sa.y = -1e30; sb.y = -1e30; }
          maxAB = max(maxAB, vec2(max(sa.x, sa.y), max(sb.x, sb.y)));
        }
        vec2 total = vec2(0.0);
        vec4 acc = vec4(0.0);
        for (int j = 0; j < ${capacity}; j += 2) {
          if (j >= keyCount) break;
          vec2 ea = exp(scorePair(headA, j) - maxAB.x);
          vec2 eb = exp(scorePair(headB, j) - maxAB.y);
          if (j + 1 >= keyCount) { ea.y = 0.0; eb.y = 0.0; }
          total += vec2(ea.x + ea.y, eb.x + eb.y);
          vec4 va = getV(headA, j, d); // keys j, j+1 × features d, d+1
          vec4 vb = getV(headB, j, d);
          acc.xy += ea.x * va.xy + ea.y * va.zw;
          acc.zw += eb.x * vb.xy + eb.y * vb.zw;
        }
        setOutput(acc / total.xxyy);
      }`;
  }
}

/**
 * The output head tied to the token embeddings: h·wteᵀ, h the row after ln_f.
 * h [2, C/2], wte [V, C] → logits [2, H] with H = 2·⌈V/4⌉ (logit v at row
 * v / H, column v % H; past V: padding the caller drops).
 */
export class TiedHeadProgram extends PackedProgram {
  variableNames = ['h', 'wte'];
  outputShape: number[];
  userCode: string;

  constructor(width: number, vocabSize: number) {
    super();
    const half = headHalf(vocabSize);
    this.outputShape = [2, half];
    this.userCode = `
      void main() {
        int c = getOutputCoords().y; // logits c, c+1, H+c, H+c+1
        vec4 acc = vec4(0.0);
        for (int a = 0; a < ${width / 2}; a += 2) {
          vec4 h = getH(0, a);
          vec4 w0 = getWte(c, a);
          vec4 w1 = getWte(c, a + ${width / 2});
          vec4 w2 = getWte(c + ${half}, a);
          vec4 w3 = getWte(c + ${half}, a + ${width / 2});
          acc += vec4(
            dot(h.xy, w0.xy) + dot(h.zw, w1.xy),
            dot(h.xy, w0.zw) + dot(h.zw, w1.zw),
            dot(h.xy, w2.xy) + dot(h.zw, w3.xy),
            dot(h.xy, w2.zw) + dot(h.zw, w3.zw));
        }
        setOutput(acc);
      }`;
  }
}

/** Columns of the head's [2, H] output: H = 2·⌈V/4⌉, even so that its second row starts on a texel. */
export function headHalf(vocabSize: number): number {
  return 2 * Math.ceil(vocabSize / 4);
}
