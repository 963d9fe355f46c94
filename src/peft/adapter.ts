import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import type { VirtualTokens } from '../model/virtual.ts';
import { type PromptLearningSettings, checkPromptLearning, promptEmbeddingWidth, virtualKind } from './config.ts';
import { PromptLearningError } from './errors.ts';
import type { Encoder, NamedVariable } from './layers.ts';

/**
 * A prompt-learning adapter on one GPT, as PEFT's PeftModel holds one
 * (peft_model.py, PEFT v0.20.0): `prompt_encoder.embedding` — n rows — and,
 * for P-tuning and projected prefixes, an encoder that turns those rows into
 * the virtual tokens. Its output is what get_prompt_embedding_to_save returns
 * and what adapter_model.safetensors stores as `prompt_embeddings`: [n, C] for
 * prompt tuning and P-tuning, [n, num_layers·2·C] for a prefix.
 *
 * Attached (`enabled = true`) the model runs with its virtual tokens;
 * detached it is exactly itself. Only the adapter's variables train: pass
 * `trainableVariables()` to the Trainer, as with LoRA.
 *
 * An adapter read from PEFT's files is in inference mode, as PEFT loads one
 * (`inference_mode: true`: the saved output becomes the embedding table, no
 * encoder is built, and PEFT refuses to make it trainable): it has nothing to train.
 */
export class PromptLearningAdapter {
  private disposed = false;
  private attachedTo: VirtualTokens | null = null;
  /** Dropout in the LSTM encoder applies while training only. */
  training = false;
  readonly tokens: VirtualTokens;

  constructor(
    readonly model: GPT,
    readonly settings: PromptLearningSettings,
    /** prompt_encoder.embedding.weight: [n, C], or [n, L·2·C] for a prefix without projection (or in inference mode). */
    readonly embedding: tf.Variable,
    /** The encoder applied to the embedding (P-tuning, projected prefix); null for prompt tuning, a direct prefix, or inference mode. */
    readonly encoder: Encoder | null,
    /** Loaded from PEFT files: the embedding is the saved output, nothing trains. */
    readonly inferenceMode = false,
  ) {
    checkPromptLearning(settings, model.config);
    const n = settings.num_virtual_tokens;
    const expected = encoder ? [n, model.config.nEmbd] : [n, promptEmbeddingWidth(settings.peft_type, model.config)];
    if (embedding.shape.join() !== expected.join()) {
      throw new PromptLearningError(`prompt_encoder.embedding.weight is ${embedding.shape.join('×')}; this model needs ${expected.join('×')}.`, 'shape-mismatch', {
        key: 'prompt_encoder.embedding.weight',
        got: embedding.shape.join('×'),
        expected: expected.join('×'),
      });
    }
    this.tokens =
      virtualKind(settings.peft_type) === 'input'
        ? { kind: 'input', numVirtualTokens: n, embeddings: () => this.output() }
        : { kind: 'prefix', numVirtualTokens: n, keyValues: () => prefixKeyValues(this.output(), this.model.config) };
  }

  get peftType(): PromptLearningSettings['peft_type'] {
    return this.settings.peft_type;
  }

  get numVirtualTokens(): number {
    return this.settings.num_virtual_tokens;
  }

  /** The encoder's output, as PEFT's get_prompt computes it (call inside tf.tidy or a gradient tape). */
  output(): tf.Tensor2D {
    this.checkAlive();
    return this.encoder ? this.encoder.forward(this.embedding as tf.Tensor2D, this.training) : (this.embedding as tf.Tensor2D);
  }

  get enabled(): boolean {
    return this.attachedTo !== null && this.model.virtualTokens === this.attachedTo;
  }

  /** Attaches (true) or detaches (false) the virtual tokens; a model holds one set at a time. */
  set enabled(on: boolean) {
    this.checkAlive();
    if (on === this.enabled) return;
    if (on) {
      if (this.model.virtualTokens) throw new PromptLearningError('The model already has another prompt attached; switch that one off first.', 'already-attached');
      this.model.virtualTokens = this.tokens;
      this.attachedTo = this.tokens;
    } else {
      this.model.virtualTokens = null;
      this.attachedTo = null;
    }
  }

  /** [PEFT state-dict name, variable] of everything that trains: the embedding and the encoder (none in inference mode). */
  trainableVariables(): NamedVariable[] {
    this.checkAlive();
    if (this.inferenceMode) return [];
    return this.allVariables();
  }

  /** Values that train (PEFT's "trainable params"). */
  get trainableCount(): number {
    return this.trainableVariables().reduce((s, [, v]) => s + v.size, 0);
  }

  /** What get_prompt_embedding_to_save returns: the encoder's output for the n virtual tokens, as plain numbers. */
  async promptEmbeddings(): Promise<{ shape: [number, number]; data: Float32Array }> {
    const out = tf.tidy(() => tf.clone(this.output()));
    const data = (await out.data()) as Float32Array;
    const shape = out.shape as [number, number];
    out.dispose();
    return { shape, data };
  }

  /** Every variable's values (for snapshots after a NaN, and for tests). */
  async values(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.allVariables()) out.set(name, (await v.data()) as Float32Array);
    return out;
  }

  /** Overwrites every variable from a snapshot taken with `values()`. */
  restore(values: Map<string, Float32Array>): void {
    tf.tidy(() => {
      for (const [name, v] of this.allVariables()) {
        const data = values.get(name);
        if (!data) throw new PromptLearningError(`The snapshot has no values for ${name}.`, 'missing-tensor', { key: name });
        v.assign(tf.tensor(data, v.shape));
      }
    });
  }

  private allVariables(): NamedVariable[] {
    const encoder = (this.encoder?.variables ?? []).map(([name, v]) => [`prompt_encoder.default.${name}`, v] as NamedVariable);
    return [['prompt_encoder.default.embedding.weight', this.embedding], ...encoder];
  }

  private checkAlive(): void {
    if (this.disposed) throw new PromptLearningError('This prompt-learning adapter has been disposed.', 'disposed');
  }

  dispose(): void {
    if (this.disposed) return;
    this.enabled = false;
    for (const [, v] of this.allVariables()) v.dispose();
    this.disposed = true;
  }
}

/**
 * A prefix's [n, L·2·C] rows as each layer's keys and values, laid out as
 * PEFT's get_prompt lays them out for `past_key_values`:
 * view(batch, n, L·2, nh, hs) → permute(2, 0, 3, 1, 4) → split(2), so layer l's
 * key is block 2l and its value block 2l+1, each [nh, n, hs] (batch dropped).
 */
export function prefixKeyValues(rows: tf.Tensor2D, base: { nLayer: number; nHead: number; nEmbd: number }): { k: tf.Tensor3D; v: tf.Tensor3D }[] {
  const { nLayer: L, nHead: nh, nEmbd: C } = base;
  const n = rows.shape[0];
  const blocks = tf.unstack(rows.reshape([n, 2 * L, nh, C / nh]).transpose([1, 2, 0, 3])) as tf.Tensor3D[]; // 2L × [nh, n, hs]
  return Array.from({ length: L }, (_, l) => ({ k: blocks[2 * l], v: blocks[2 * l + 1] }));
}
