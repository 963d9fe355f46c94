import * as tf from '@tensorflow/tfjs';
import { type GPTConfig, validateConfig, countParameters } from './config.ts';
import { type MaskMode, CAUSAL, maskBias, describeMask } from './masks.ts';
import { type GPTParams, type Linear, type BlockParams, type NamedArray, buildParams, initialWeights, namedParameters } from './params.ts';
import { KVCache, realColumns } from './kvcache.ts';
import { type HeadRef, headKeepMasks } from './ablation.ts';
import { type AttentionTrace, type ForwardTrace, type LayerTrace, type Matrix, dropLeadRows } from './trace.ts';
import { addBias, batchMatMul, embeddingLookup, geluNew, handWrittenGradients, layerNorm, matMul2d, tiedOutputHead, usePlainProducts } from './ops.ts';
import { InputError } from './inputError.ts';
import { attentionCore } from './gradsAttention.ts';
import { type VirtualTokens, checkVirtual, dropLead, prependPrompt, virtualInputs, virtualStep } from './virtual.ts';
import { fusedDecodeStep } from './webgl/decode.ts';

/** A problem with the tokens handed to the model: out of vocabulary, too long, empty (codes in inputError.ts). */
export { InputError, type InputErrorCode, INPUT_ERROR_CODES } from './inputError.ts';

export interface RunOptions {
  /** Attention mask family; causal unless a lesson compares others. */
  mask?: MaskMode;
  /** Continue from (and extend) this cache; its length is the new tokens' first position. */
  cache?: KVCache;
  /** Collect the per-layer, per-head trace as plain arrays (costs a device→JS copy). */
  trace?: boolean;
  /** Heads switched off (zero-ablation, see ablation.ts). With a cache, pass the same heads on every call. */
  ablate?: readonly HeadRef[];
  /** Return the logits of every position (`logits`) without the attention trace: teacher-forced scoring. */
  allLogits?: boolean;
  /** Return the final hidden state (after ln_f) of every processed position (`hidden`): contrastive search compares them. */
  hidden?: boolean;
}

export interface RunResult {
  /** Logits for the next token after the last processed token: [vocabSize]. */
  lastLogits: Float32Array;
  trace?: ForwardTrace;
  /** With `allLogits` or `trace`: next-token logits at every processed position, [T, vocab]. */
  logits?: Matrix;
  /** With `hidden`: the last layer's output after ln_f at every processed position, [T, nEmbd] — Hugging Face's hidden_states[-1] for GPT-2. */
  hidden?: Matrix;
}

/** Per-forward context: how to mask, where to cache, what to record. */
interface PassContext {
  batch: number;
  time: number; // new tokens per sequence
  past: number; // tokens already in the cache
  maskAdd: tf.Tensor2D; // [time, past + time], or [time, cache capacity] with a cache (its unused tail masked)
  cache?: KVCache;
  /** Read back layer by layer, so a long input's attention maps do not all sit on the device at once. */
  record?: TraceRecord;
  /** Inference only: free each block's intermediates as soon as it is done (a gradient pass needs them). */
  tidyPerLayer?: boolean;
  /** Per layer, 1 or 0 per head (null: all heads run): the heads switched off. */
  headKeep?: (Float32Array | null)[];
  /** Prompt learning (virtual.ts): [n, C] embeddings put before the tokens (`time` counts them), or per-layer prefix keys/values. */
  prompt?: tf.Tensor2D;
  prefix?: { k: tf.Tensor3D; v: tf.Tensor3D }[];
}

type TraceRecord = { attention: { scores: Float32Array; probs: Float32Array }[]; hidden: Float32Array[] };

/**
 * A GPT-2: token + position embeddings, nLayer pre-LayerNorm blocks of causal
 * multi-head self-attention and a 4× GELU MLP, a final LayerNorm, and an output
 * head tied to the token embeddings. Read top to bottom, as nanoGPT's model.py.
 */
export class GPT {
  readonly params: GPTParams;
  private disposed = false;
  /** A prompt-learning method's virtual tokens (src/peft/ attaches them); null: the model exactly as it is. */
  virtualTokens: VirtualTokens | null = null;
  /** On WebGL, a plain cached step (one token, or a short prompt token by token) runs as a few fused programs (webgl/decode.ts); false: op by op. */
  fusedDecoding = true;
  /**
   * wteᵀ [nEmbd, vocab] for the output head on backends where only plain
   * products are fast (see ops.ts), with the wte data it was copied from: when
   * anything assigns wte (a training step, a restore), TF.js gives it new data,
   * and the copy is rebuilt at the next forward pass.
   */
  private head: { source: object; wteT: tf.Tensor2D } | null = null;

  private constructor(readonly config: GPTConfig, params: GPTParams) {
    this.params = params;
    this.headWeights();
  }

  /** A freshly initialised model (GPT-2's initialisation, seeded). */
  static create(config: GPTConfig, seed = 1337): GPT {
    validateConfig(config);
    return new GPT(config, buildParams(config, initialWeights(config, seed)));
  }

  /** A model from named weights; io/checkpoint.ts validates names and shapes first. */
  static fromWeights(config: GPTConfig, weights: Map<string, NamedArray>): GPT {
    validateConfig(config);
    return new GPT(config, buildParams(config, weights));
  }

  /** Positions left for real tokens: the window less the virtual tokens attached (they take the first positions). */
  get contextWindow(): number {
    return this.config.blockSize - (this.virtualTokens?.numVirtualTokens ?? 0);
  }

  get parameterCount(): number {
    return countParameters(this.config);
  }

  /** Tensors the model holds: one per parameter, plus the output head's copy of wteᵀ where the backend uses one. */
  get tensorCount(): number {
    return this.namedParameters().length + (this.head ? 1 : 0);
  }

  /** [Hugging Face name, variable] for every trainable parameter. */
  namedParameters(): [string, tf.Variable][] {
    return namedParameters(this.params);
  }

  /** A copy of every weight as plain arrays under Hugging Face names. */
  async weights(): Promise<Map<string, NamedArray>> {
    const out = new Map<string, NamedArray>();
    for (const [name, v] of this.namedParameters()) {
      out.set(name, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    }
    return out;
  }

  // ---- the pieces, in reading order --------------------------------------

  private linear(x: tf.Tensor2D, l: Linear): tf.Tensor2D {
    const y = addBias(matMul2d(x, l.weight as tf.Tensor2D), l.bias as tf.Tensor1D); // [N, out]
    return l.adapter ? tf.add(y, l.adapter.delta(x)) : y;
  }

  private ln(x: tf.Tensor2D, p: { weight: tf.Variable; bias: tf.Variable }): tf.Tensor2D {
    return layerNorm(x, p.weight as tf.Tensor1D, p.bias as tf.Tensor1D, this.config.layerNormEps);
  }

  /** Splits [B·T, C] into heads: [B·nh, T, hs]. */
  private toHeads(x: tf.Tensor2D, B: number, T: number): tf.Tensor3D {
    const { nHead, nEmbd } = this.config;
    const hs = nEmbd / nHead;
    return x.reshape([B, T, nHead, hs]).transpose([0, 2, 1, 3]).reshape([B * nHead, T, hs]);
  }

  private attention(x: tf.Tensor2D, block: BlockParams, layer: number, ctx: PassContext): tf.Tensor2D {
    const { nHead, nEmbd } = this.config;
    const { batch: B, time: T } = ctx;
    const hs = nEmbd / nHead;
    const qkv = this.linear(x, block.attn.c_attn); // [B·T, 3C]
    const [q0, k0, v0] = tf.split(qkv, 3, 1) as tf.Tensor2D[]; // each [B·T, C]
    const q = this.toHeads(q0, B, T); // [B·nh, T, hs]
    let k = this.toHeads(k0, B, T); // [B·nh, T, hs]
    let v = this.toHeads(v0, B, T);
    if (ctx.cache) ({ k, v } = ctx.cache.append(layer, k, v)); // [nh, capacity, hs]: a static shape, slots past the real keys masked
    const prefix = ctx.prefix?.[layer];
    if (prefix) [k, v] = [tf.concat([prefix.k, k], 1), tf.concat([prefix.v, v], 1)]; // [B·nh, n+T, hs]: PEFT's past_key_values
    let y: tf.Tensor3D; // [B·nh, T, hs]
    if (!ctx.tidyPerLayer && !ctx.cache && !ctx.record && handWrittenGradients()) {
      y = attentionCore(q, k, v, ctx.maskAdd, 1 / Math.sqrt(hs)); // a gradient pass on wasm/cpu: per-head plain products (gradsAttention.ts)
    } else {
      const scores = tf.mul(batchMatMul(q, k, false, true), 1 / Math.sqrt(hs)); // [B·nh, T, past+T]
      const probs = tf.softmax(tf.add(scores, ctx.maskAdd)); // masked cells → exactly 0
      // A trace shows the real keys only: the cache's masked tail is dropped on the way out.
      const real = (t: tf.Tensor) => realColumns(t.dataSync() as Float32Array, t.shape[2]!, ctx.past + T);
      ctx.record?.attention.push({ scores: real(scores), probs: real(probs) });
      y = batchMatMul(probs as tf.Tensor3D, v);
    }
    let heads = y.reshape([B, nHead, T, hs]);
    const keep = ctx.headKeep?.[layer];
    if (keep) heads = tf.mul(heads, tf.tensor4d(keep, [1, nHead, 1, 1])); // a switched-off head writes zeros
    const merged = heads.transpose([0, 2, 1, 3]).reshape([B * T, nEmbd]) as tf.Tensor2D;
    return this.linear(merged, block.attn.c_proj);
  }

  private mlp(x: tf.Tensor2D, block: BlockParams): tf.Tensor2D {
    const h = geluNew(this.linear(x, block.mlp.c_fc)) as tf.Tensor2D; // [B·T, nInner]
    return this.linear(h, block.mlp.c_proj); // [B·T, C]
  }

  private block(x: tf.Tensor2D, layer: number, ctx: PassContext): tf.Tensor2D {
    const b = this.params.h[layer];
    x = tf.add(x, this.attention(this.ln(x, b.ln_1), b, layer, ctx));
    x = tf.add(x, this.mlp(this.ln(x, b.ln_2), b));
    return x;
  }

  /** The transposed copy of wte for the tied head, in sync with wte; null where the backend does not need one. */
  private headWeights(): tf.Tensor2D | null {
    const wte = this.params.wte;
    if (!usePlainProducts()) return null;
    if (this.head?.source !== wte.dataId) {
      this.head?.wteT.dispose();
      // Kept past any enclosing tidy; owned by the model until the next rebuild or dispose().
      this.head = { source: wte.dataId, wteT: tf.keep(tf.transpose(wte) as tf.Tensor2D) };
    }
    return this.head.wteT;
  }

  /**
   * Residual stream after the last block and ln_f, and the tied head's logits:
   * for every position, or (`lastOnly`) only for the last one of each sequence,
   * which is all that decoding needs — the head is the largest product of a
   * step (width × 50,257 for GPT-2).
   */
  private body(ids: tf.Tensor2D, ctx: PassContext, lastOnly = false, keepHidden = false): { embeddings: tf.Tensor2D; logits: tf.Tensor2D; hidden: tf.Tensor2D | null } {
    const { nEmbd } = this.config;
    const { batch: B, time, past } = ctx;
    const T = ids.shape[1]; // real tokens; `time` adds a prompt's virtual ones in front
    let tok = embeddingLookup(this.params.wte as tf.Tensor2D, ids.reshape([B * T]) as tf.Tensor1D).reshape([B, T, nEmbd]) as tf.Tensor3D;
    if (ctx.prompt) tok = prependPrompt(tok, ctx.prompt); // [B, n+T, C]: PEFT's cat(prompts, inputs_embeds)
    const pos = tf.slice(this.params.wpe, [past, 0], [time, nEmbd]); // [time, C]
    const embeddings = tf.add(tok, pos).reshape([B * time, nEmbd]) as tf.Tensor2D;
    let x = embeddings;
    for (let l = 0; l < this.config.nLayer; l++) {
      const input = x;
      const step = () => {
        const y = this.block(input, l, ctx);
        ctx.record?.hidden.push(y.dataSync() as Float32Array);
        return y;
      };
      // At GPT-2 size a 1,000-token prefill makes ~250 MB of intermediates per block.
      x = ctx.tidyPerLayer ? tf.tidy(step) : step();
    }
    if (time > T) x = dropLead(x, B, time - T, T); // the virtual positions give no logits
    const hidden = keepHidden ? this.ln(x, this.params.ln_f) : null; // [B·T, C]: every position, after ln_f
    if (lastOnly) x = x.reshape([B, T, nEmbd]).slice([0, T - 1, 0], [B, 1, nEmbd]).reshape([B, nEmbd]) as tf.Tensor2D;
    x = this.ln(x, this.params.ln_f);
    const logits = tiedOutputHead(x, this.params.wte as tf.Tensor2D, this.headWeights()); // [B·T or B, vocab]
    return { embeddings, logits, hidden };
  }

  private checkIds(ids: ArrayLike<number>, past: number): void {
    const { vocabSize, blockSize } = this.config;
    if (ids.length === 0) throw new InputError('The input is empty: the model needs at least one token.', 'no-tokens');
    if (past + ids.length > blockSize) {
      throw new InputError(
        `${past + ids.length} tokens do not fit the context window of ${blockSize} positions ` +
          `(the model never learned positions past ${blockSize - 1}); shorten the input or slide the window.`,
        'too-long',
        { tokens: past + ids.length, blockSize },
      );
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InputError(`Token id ${id} at position ${i} is outside the vocabulary (0…${vocabSize - 1}).`, 'out-of-vocabulary', {
          id,
          position: i,
          maxId: vocabSize - 1,
        });
      }
    }
  }

  /** The per-layer keep masks for `ablate`, after checking every head is one of this model's. */
  private headKeep(ablate: readonly HeadRef[]): (Float32Array | null)[] {
    const { nLayer, nHead } = this.config;
    for (const { layer, head } of ablate) {
      if (!(Number.isInteger(layer) && layer >= 0 && layer < nLayer && Number.isInteger(head) && head >= 0 && head < nHead)) {
        throw new InputError(`There is no layer ${layer}, head ${head} to switch off: this model has ${nLayer} layers × ${nHead} heads.`);
      }
    }
    return headKeepMasks(ablate, nLayer, nHead);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('This model has been disposed.');
  }

  /**
   * Differentiable forward pass for training: ids [B, T] → logits [B·T, vocab].
   * Call inside tf.tidy / a gradient function; it records no trace.
   */
  forward(ids: tf.Tensor2D, mask: MaskMode = CAUSAL): tf.Tensor2D {
    this.checkAlive();
    const [B, T] = ids.shape;
    checkVirtual(this.virtualTokens, mask, 0, T, this.config.blockSize);
    if (T > this.config.blockSize) {
      throw new InputError(`Sequence length ${T} exceeds the context window ${this.config.blockSize}.`, 'too-long', { tokens: T, blockSize: this.config.blockSize });
    }
    const { past, lead } = virtualStep(this.virtualTokens, 0); // real tokens at positions n… with virtual tokens
    const maskAdd = tf.tensor2d(maskBias(mask, past, lead + T, past + lead + T), [lead + T, past + lead + T]);
    return this.body(ids, { batch: B, time: lead + T, past, maskAdd, ...virtualInputs(this.virtualTokens, 0, B) }).logits;
  }

  /**
   * Inference on one sequence: returns plain numbers (next-token logits, and the
   * full trace when asked). With a cache, `ids` are the new tokens only, and
   * their keys and values are appended to the cache.
   */
  run(ids: ArrayLike<number>, opts: RunOptions = {}): RunResult {
    this.checkAlive();
    const mask = opts.mask ?? CAUSAL;
    const cache = opts.cache;
    checkVirtual(this.virtualTokens, mask, cache?.length ?? 0, ids.length, this.config.blockSize, cache);
    const { past, lead } = virtualStep(this.virtualTokens, cache?.length ?? 0);
    this.checkIds(ids, past + lead);
    if (cache && cache.nLayer !== this.config.nLayer) throw new InputError('This KV cache belongs to a model of another depth.');
    if (cache && past > 0 && mask.kind === 'bidirectional') {
      throw new InputError('A bidirectional model cannot extend a KV cache: each new token changes every earlier one.');
    }
    if (cache && past > 0 && mask.kind === 'prefix' && past < mask.prefixLength) {
      throw new InputError(`The prefix (${mask.prefixLength} tokens) must be processed in one pass before extending the cache.`);
    }
    const headKeep = opts.ablate?.length ? this.headKeep(opts.ablate) : undefined;
    const extras = Boolean(opts.trace || opts.allLogits || opts.hidden || headKeep);
    const fused = this.fusedDecoding ? fusedDecodeStep(this, { ids, cache, mask, extras }) : null;
    if (fused) return { lastLogits: fused };
    const T = ids.length;
    const K = past + lead + T;
    const every = Boolean(opts.trace || opts.allLogits);
    let out!: {
      lastLogits: Float32Array;
      embeddings: Float32Array | null;
      hidden: Float32Array | null;
      record?: TraceRecord;
    };
    tf.tidy(() => {
      const record: TraceRecord | undefined = opts.trace ? { attention: [], hidden: [] } : undefined;
      const virtual = virtualInputs(this.virtualTokens, cache?.length ?? 0, 1, cache); // a prefix goes into the cache first
      const time = lead + T;
      const ctx: PassContext = {
        batch: 1,
        time,
        past,
        maskAdd: cache ? tf.tensor2d(cache.maskBias(mask, time), [time, cache.capacity]) : tf.tensor2d(maskBias(mask, past, time, K), [time, K]),
        cache,
        ...virtual,
        record,
        tidyPerLayer: true,
        headKeep,
      };
      const { embeddings, logits, hidden } = this.body(tf.tensor2d(Array.from(ids), [1, T], 'int32'), ctx, !every, Boolean(opts.hidden));
      const lastLogits = logits; // [T, vocab] with a trace or allLogits, else [1, vocab]
      out = {
        lastLogits: lastLogits.dataSync() as Float32Array,
        embeddings: opts.trace ? (embeddings.dataSync() as Float32Array) : null,
        hidden: hidden ? (hidden.dataSync() as Float32Array) : null,
        record,
      };
    });
    cache?.advance(lead + T);
    const { vocabSize, nEmbd, nHead } = this.config;
    const hidden = out.hidden ? { hidden: { rows: T, cols: nEmbd, data: out.hidden } } : {};
    if (opts.allLogits && !opts.trace) {
      return { lastLogits: out.lastLogits.slice((T - 1) * vocabSize), logits: { rows: T, cols: vocabSize, data: out.lastLogits }, ...hidden };
    }
    if (!opts.trace || !out.record || !out.embeddings) return { lastLogits: out.lastLogits, ...hidden };
    // An input prompt's own rows (`lead`) ran in this pass; the trace keeps the real tokens' rows, and every key column.
    const rows = (a: Float32Array) => dropLeadRows(a, nHead, lead, T, K);
    const layers: LayerTrace[] = out.record.attention.map((a, l) => {
      const attention: AttentionTrace = { numHeads: nHead, queryCount: T, keyCount: K, scores: rows(a.scores), probs: rows(a.probs) };
      return { attention, hidden: { rows: T, cols: nEmbd, data: out.record!.hidden[l].subarray(lead * nEmbd) } };
    });
    const vt = this.virtualTokens;
    const trace: ForwardTrace = {
      tokens: Array.from(ids),
      positionOffset: past + lead,
      virtual: vt && { kind: vt.kind, count: vt.numVirtualTokens },
      mask,
      embeddings: { rows: T, cols: nEmbd, data: out.embeddings.subarray(lead * nEmbd) },
      layers,
      logits: { rows: T, cols: vocabSize, data: out.lastLogits },
    };
    return { lastLogits: out.lastLogits.slice((T - 1) * vocabSize), trace, logits: trace.logits, ...hidden };
  }

  /** All positions' logits [T][vocab] in one pass (teacher forcing view), as plain rows. */
  logitsAt(ids: ArrayLike<number>, mask: MaskMode = CAUSAL): Float32Array[] {
    const { trace } = this.run(ids, { mask, trace: true });
    const V = this.config.vocabSize;
    return Array.from({ length: ids.length }, (_, i) => trace!.logits.data.slice(i * V, (i + 1) * V));
  }

  createCache(): KVCache {
    return new KVCache(this.config.nLayer, this.config.blockSize);
  }

  describe(mask: MaskMode = CAUSAL): string {
    const c = this.config;
    return `GPT ${c.nLayer} layers × ${c.nHead} heads, width ${c.nEmbd}, context ${c.blockSize}, vocab ${c.vocabSize} ` +
      `(${this.parameterCount.toLocaleString('en')} parameters); mask: ${describeMask(mask)}`;
  }

  dispose(): void {
    if (this.disposed) return;
    for (const [, v] of this.namedParameters()) v.dispose();
    this.head?.wteT.dispose();
    this.head = null;
    this.disposed = true;
  }
}
