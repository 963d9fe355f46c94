import * as tf from '@tensorflow/tfjs';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { GPTConfig } from '../config.ts';
import type { GPTParams } from '../params.ts';
import type { KVCache } from '../kvcache.ts';
import { type MaskMode, canAttend } from '../masks.ts';
import {
  type RowSource,
  AttentionScoresProgram,
  AttentionValuesProgram,
  CacheWriteProgram,
  LayerNormProgram,
  SlotPairProgram,
  LinearProgram,
  TiedHeadProgram,
  activationRow,
  embeddingRow,
} from './programs.ts';

/**
 * One cached decoding step in a few fused WebGL programs (./programs.ts).
 *
 * On WebGL each kernel is a draw call with a fixed cost (~0.05–0.3 ms on
 * SwiftShader, headless Chromium's software GPU) far above the arithmetic of
 * one token at playground size (~2 MFLOP), and the op-by-op path runs 256
 * kernels (404 draws with the backend's layout conversions) per token:
 * LayerNorm alone is eight kernels, GELU eight, the cache write four per layer.
 * Here a token is 9 draws per layer, 2 for the head, 1 to read the logits
 * (39 at playground size):
 *
 *   per layer: ln_1 (layer 0 reads wte[id] + wpe[pos] itself) · c_attn ·
 *              the slot's keys and values (then copied into the cache's
 *              textures in place, no draw) · attention scores · softmax·V ·
 *              c_proj+residual · ln_2 · c_fc+GELU · c_proj+residual
 *   ln_f · tied head → logits (the only read back)
 *
 * LayerNorm is its own draw because a program writes four outputs per texel:
 * fused into the product after it, every output texel recomputed the row's
 * statistics, which cost more than the draw saved (measured: ln_2+c_fc+GELU
 * 0.64 ms in one program, 0.05 + 0.19 ms in two).
 *
 * The programs are TF.js kernels registered for the webgl backend only
 * (names in FUSED_KERNELS), so tf.profile lists them and tf.tidy frees their
 * outputs. The step is taken only where it computes what the reference path
 * would: new tokens on a cache, no trace, no ablation, no LoRA adapter, no
 * virtual tokens, a mask under which each token sees every earlier one and no
 * later one; `fusedDecodeStep` returns null anywhere else and the caller runs
 * gpt.ts's op-by-op path.
 *
 * A short prompt runs through the same step token by token, a fresh cache
 * included: the op-by-op prompt pass would compile ~50 more programs on the
 * first generation (~1.3 s on SwiftShader) for a pass that, once compiled,
 * costs about what the fused steps do (see FUSED_PROMPT_MAX_TOKENS).
 */
export const FUSED_KERNELS = {
  layerNorm: 'GPT2DecodeLayerNorm',
  linear: 'GPT2DecodeLinear',
  cacheWrite: 'GPT2DecodeCacheWrite',
  slotPair: 'GPT2DecodeCacheSlotPair',
  attentionScores: 'GPT2DecodeAttentionScores',
  attentionValues: 'GPT2DecodeAttentionValues',
  tiedHead: 'GPT2DecodeTiedHead',
} as const;

type Attrs = Record<string, number | boolean>;
type Inputs = Record<string, tf.TensorInfo | undefined>;
type Program = GPGPUProgram & { customUniforms: { name: string }[] };

/** A row input: an activation `x`, or (first layer) the embedding tables. */
function rowSource(inputs: Inputs, width: number): RowSource {
  return inputs.wte ? embeddingRow(width) : activationRow('x');
}

/** Each kernel's program, made from its inputs' shapes and its attributes. */
const PROGRAMS: Record<keyof typeof FUSED_KERNELS, (inputs: Inputs, attrs: Attrs) => Program> = {
  layerNorm: (ins, a) => {
    const width = ins.gamma!.shape[0];
    return new LayerNormProgram(rowSource(ins, width), width, a.eps as number);
  },
  linear: (ins, a) => {
    const [K, N] = ins.weight!.shape;
    const residual = a.residual ? rowSource(ins, N) : undefined;
    return new LinearProgram(K, N, { gelu: Boolean(a.gelu), residual });
  },
  cacheWrite: (ins, a) => {
    const [nh, cap, hs] = ins.cache!.shape;
    return new CacheWriteProgram(nh, cap, hs, a.offset as number);
  },
  slotPair: (ins) => {
    const [nh, , hs] = ins.k!.shape;
    return new SlotPairProgram(nh, hs);
  },
  attentionScores: (ins) => {
    const [nh, cap, hs] = ins.k!.shape;
    return new AttentionScoresProgram(nh, cap, hs);
  },
  attentionValues: (ins) => {
    const [nh, cap, hs] = ins.v!.shape;
    return new AttentionValuesProgram(nh, cap, hs);
  },
  tiedHead: (ins) => new TiedHeadProgram(ins.wte!.shape[1], ins.wte!.shape[0]),
};

/**
 * Gives an input held in the unpacked layout a packed texture in its place
 * (same values, same tensor), as the backend does when it uploads a tensor
 * for a packed program. Without it the backend would pack a temporary copy at
 * every call: the embedding table, which the op-by-op path's gather leaves
 * unpacked, cost a 1024×128 copy twice per token. Later unpacked readers
 * (gather) convert it back for themselves, as any packed tensor.
 */
function packInPlace(backend: MathBackendWebGL, input: tf.TensorInfo): void {
  const data = backend.texData.get(input.dataId);
  if (!data || data.isPacked || data.texture == null || data.slice) return; // on the CPU, a packed program uploads it packed
  const packed = backend.packTensor({ dataId: input.dataId, shape: data.shape, dtype: data.dtype });
  const made = backend.texData.get(packed.dataId);
  (backend as unknown as { releaseGPUData(dataId: object): void }).releaseGPUData(input.dataId); // frees the unpacked texture (internal, as texData)
  Object.assign(data, { texture: made.texture, texShape: made.texShape, usage: made.usage, isPacked: true });
  backend.texData.delete(packed.dataId);
}

/** Attributes that are uniforms, set at each call: every other attribute and the input shapes make a different program. */
const UNIFORMS = new Set(['tokenId', 'position', 'slot', 'keyCount']);
/** Programs already built, by kernel, input shapes and attributes: their shader text is built once, not at every token. */
const programs = new Map<string, Program>();

function programFor(key: keyof typeof FUSED_KERNELS, inputs: Inputs, attrs: Attrs): Program {
  const shapes = Object.entries(inputs).map(([n, t]) => `${n}:${t!.shape}`).join(' ');
  const fixed = Object.entries(attrs).filter(([n]) => !UNIFORMS.has(n)).map(([n, v]) => `${n}=${v}`).join(' ');
  const id = `${key} ${shapes} ${fixed}`;
  let program = programs.get(id);
  if (!program) programs.set(id, (program = PROGRAMS[key](inputs, attrs)));
  return program;
}

/** True when a cache tensor's texture may be written in place: packed, its own (no clone shares it), laid out as [nh·capacity, hs]. */
function writableInPlace(backend: MathBackendWebGL, t: tf.Tensor3D): boolean {
  const d = backend.texData.get(t.dataId);
  const [nh, cap, hs] = t.shape;
  return Boolean(d?.isPacked && d.texture && !d.slice && d.refCount === 1 && d.texShape?.[0] === nh * cap && d.texShape?.[1] === hs);
}

/**
 * Writes this step's keys and values into the cache's textures in place: the
 * rows of `pair` (SlotPairProgram: [2·nh, 2, hs]) are copied, texel row by
 * texel row, to where the slot pair of each head lies in a packed
 * [nh, capacity, hs] texture (row h·capacity/2 + slot/2, hs/2 texels wide).
 * Copying whole textures instead (CacheWriteProgram) costs ~0.15 ms a write
 * on SwiftShader, eight writes a token at playground size.
 */
function copySlotPair(backend: MathBackendWebGL, pair: tf.Tensor, k: tf.Tensor3D, v: tf.Tensor3D, slot: number): void {
  const gpgpu = backend.getGPGPUContext();
  const gl = gpgpu.gl;
  const [nh, cap, hs] = k.shape;
  gl.bindFramebuffer(gl.FRAMEBUFFER, gpgpu.framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, backend.texData.get(pair.dataId).texture!.texture, 0);
  [k, v].forEach((cache, which) => {
    gl.bindTexture(gl.TEXTURE_2D, backend.texData.get(cache.dataId).texture!.texture);
    for (let h = 0; h < nh; h++) gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, 0, (h * cap) / 2 + (slot >> 1), 0, which * nh + h, hs / 2, 1);
  });
  gl.bindTexture(gl.TEXTURE_2D, null);
}

let registered = false;

/** Registers the kernels for the webgl backend (once; a second copy of this module finds them there). */
function registerKernels(): void {
  if (registered) return;
  for (const [key, name] of Object.entries(FUSED_KERNELS) as [keyof typeof FUSED_KERNELS, string][]) {
    if (tf.getKernel(name, 'webgl')) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgl',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const webgl = backend as MathBackendWebGL;
        const program = programFor(key, inputs, (attrs ?? {}) as Attrs);
        const ordered = program.variableNames.map((n) => inputs[n]!);
        for (const input of ordered) packInPlace(webgl, input);
        const uniforms = program.customUniforms.map((u) => [(attrs as Attrs)[u.name] as number]);
        return webgl.compileAndRun(program, ordered, 'float32', uniforms);
      },
    });
  }
  registered = true;
}

function kernel(key: keyof typeof FUSED_KERNELS, inputs: Record<string, tf.Tensor>, attrs: Attrs = {}): tf.Tensor {
  return tf.engine().runKernel(FUSED_KERNELS[key], inputs, attrs);
}

/** What the fused step reads of a model (GPT satisfies it). */
export interface DecodableModel {
  readonly config: GPTConfig;
  readonly params: GPTParams;
  readonly virtualTokens: unknown;
}

/** The step's inputs, as gpt.ts's run() sees them. */
export interface DecodeRequest {
  ids: ArrayLike<number>;
  cache?: KVCache;
  mask: MaskMode;
  /** Anything asked beyond the next token's logits (a trace, every position's logits, hidden states, ablated heads). */
  extras: boolean;
}

/**
 * The longest prompt (tokens into a cache in one call) the fused step takes,
 * token by token. Each token costs a fused step (~8 ms on SwiftShader), a
 * little more than its share of the op-by-op prompt pass once that pass has
 * compiled its ~50 programs — but compiling them cost ~1.3 s of the first
 * generation (bench/browser/decodeProfile.ts prints both). Past this length
 * the prompt runs op by op: a window slid back over a long generation, a long
 * pasted prompt.
 */
export const FUSED_PROMPT_MAX_TOKENS = 32;

/** Why a step cannot be fused, or null when it can (before the cache is touched). */
export function unfusableReason(model: DecodableModel, req: DecodeRequest): string | null {
  const { config, params } = model;
  const { cache } = req;
  const T = req.ids.length;
  if (tf.getBackend() !== 'webgl') return 'backend';
  if (tf.env().getNumber('WEBGL_VERSION') !== 2) return 'webgl1'; // the programs use GLSL ES 3.00 (bitwise and, break)
  if (!cache || T === 0 || req.extras) return 'not a plain cached step';
  if (T > FUSED_PROMPT_MAX_TOKENS) return 'long prompt';
  if (model.virtualTokens) return 'virtual tokens';
  if (cache.nLayer !== config.nLayer) return 'cache depth';
  // A cache is either fresh (no layer yet: the first step allocates them) or holds every layer.
  const held = Array.from({ length: config.nLayer }, (_, l) => cache.get(l) !== null);
  if (held.some((h) => h !== (cache.length > 0))) return 'partial cache';
  const headSize = config.nEmbd / config.nHead;
  // Rows are held as [2, n/2] with four features a texel, and a texel of scores covers two heads.
  if (config.nEmbd % 4 || config.nInner % 4 || headSize % 2 || config.nHead % 2) return 'sizes';
  const linears = params.h.flatMap((b) => [b.attn.c_attn, b.attn.c_proj, b.mlp.c_fc, b.mlp.c_proj]);
  if (linears.some((l) => l.adapter)) return 'adapter';
  // Token by token, each token sees itself and every earlier one, never a later one: the mask must say exactly that.
  for (let q = cache.length; q < cache.length + T; q++) {
    for (let k = 0; k < cache.length + T; k++) if (canAttend(req.mask, q, k) !== k <= q) return 'mask';
  }
  return null;
}

/**
 * Runs cached decoding steps with the fused programs, one per token of `ids`
 * (one new token, or a short prompt into a fresh cache): appends their keys
 * and values to `cache` (and advances it) and returns the last token's
 * next-token logits [vocab]. Returns null, touching nothing but the cache's
 * capacity, where the steps cannot be fused (see unfusableReason).
 */
export function fusedDecodeStep(model: DecodableModel, req: DecodeRequest): Float32Array | null {
  if (unfusableReason(model, req)) return null;
  const cache = req.cache!;
  cache.reserve(cache.length + req.ids.length); // as the op-by-op path: one capacity for the whole call
  if (cache.capacity % 2) {
    return null; // a context window of odd length, grown to it: the packed cache programs need pairs of slots
  }
  registerKernels();
  if (cache.length === 0) allocateLayers(model.config, cache);
  let logits: Float32Array | null = null;
  for (let i = 0; i < req.ids.length; i++) {
    // Only the last token's logits are wanted: earlier ones skip the head and the read back (which waits for the GPU).
    tf.tidy(() => void (logits = fusedStep(model, cache, req.ids[i], i === req.ids.length - 1) ?? logits));
    cache.advance(1);
  }
  return logits!;
}

/** A fresh cache's layers: [nh, capacity, hs] zeros each for keys and values, uploaded packed at the first step and then written in place. */
function allocateLayers(config: GPTConfig, cache: KVCache): void {
  const shape: [number, number, number] = [config.nHead, cache.capacity, config.nEmbd / config.nHead];
  for (let l = 0; l < config.nLayer; l++) cache.replace(l, tf.zeros(shape), tf.zeros(shape));
}

/** One token at position cache.length through every layer, inside the caller's tidy; the next-token logits when `withLogits`. */
function fusedStep(model: DecodableModel, cache: KVCache, tokenId: number, withLogits: boolean): Float32Array | null {
  const { config, params } = model;
  const C = config.nEmbd;
  const eps = config.layerNormEps;
  const position = cache.length;
  // The first layer reads its input row from the tables: wte[tokenId] + wpe[position].
  let row: Record<string, tf.Tensor> = { wte: params.wte, wpe: params.wpe };
  const at = { tokenId, position };
  const backend = tf.backend() as MathBackendWebGL;
  /** This token's keys and values into a layer's cache: in place where its textures allow, else as new [nh, capacity, hs] copies. */
  const writeSlot = (held: { k: tf.Tensor3D; v: tf.Tensor3D }, qkv: tf.Tensor) => {
    const pair = kernel('slotPair', { k: held.k, v: held.v, qkv }, { slot: position }); // packs k and v in place if need be
    if (writableInPlace(backend, held.k) && writableInPlace(backend, held.v)) {
      copySlotPair(backend, pair, held.k, held.v, position);
      return held;
    }
    const k = kernel('cacheWrite', { cache: held.k, qkv }, { offset: C, slot: position }) as tf.Tensor3D; // [nh, capacity, hs]
    const v = kernel('cacheWrite', { cache: held.v, qkv }, { offset: 2 * C, slot: position }) as tf.Tensor3D;
    return { k, v };
  };
  for (let l = 0; l < config.nLayer; l++) {
    const b = params.h[l];
    const held = cache.get(l)!;
    const first = l === 0 ? at : {};
    const ln = (p: typeof b.ln_1, input: Record<string, tf.Tensor>, attrs: Attrs) => kernel('layerNorm', { ...input, gamma: p.weight, beta: p.bias }, { eps, ...attrs });
    const linear = (h: tf.Tensor, p: typeof b.attn.c_attn, extra: Record<string, tf.Tensor> = {}, attrs: Attrs = {}) =>
      kernel('linear', { h, weight: p.weight, bias: p.bias, ...extra }, attrs);
    const qkv = linear(ln(b.ln_1, row, first), b.attn.c_attn); // [2, 3C/2]
    const { k, v } = writeSlot(held, qkv);
    const scores = kernel('attentionScores', { qkv, k }, { keyCount: position + 1 }); // [nh, capacity]
    const y = kernel('attentionValues', { scores, v }, { keyCount: position + 1 }); // [2, C/2], heads merged
    const x = linear(y, b.attn.c_proj, row, { residual: true, ...first }); // x + attn(ln_1(x))
    const h = linear(ln(b.ln_2, { x }, {}), b.mlp.c_fc, {}, { gelu: true }); // [2, nInner/2]
    row = { x: linear(h, b.mlp.c_proj, { x }, { residual: true }) }; // x + mlp(ln_2(x))
    if (k !== held.k) cache.replace(l, k, v);
  }
  if (!withLogits) return null;
  const hidden = kernel('layerNorm', { ...row, gamma: params.ln_f.weight, beta: params.ln_f.bias }, { eps });
  const out = kernel('tiedHead', { h: hidden, wte: params.wte }); // [2, H]
  return (out.dataSync() as Float32Array).slice(0, config.vocabSize); // logit v at v (row-major [2, H]); past V: padding
}
