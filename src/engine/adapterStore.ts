// The LoRA adapters the worker holds for one model, and what it remembers about
// that model for the LoRA panel. One store per model: the runtime, which owns
// the models, makes it and drops it with its model (runtime.ts `adaptersIn`).
// One adapter is attached at a time; the model's own weights change only while
// an adapter is merged.

import * as tf from '@tensorflow/tfjs';
import type { AdapterSummary, DefaultNewText, LoraStatus } from './loraProtocol.ts';
import type { ModelInfo } from './protocol.ts';
import type { GPT } from '../model/gpt.ts';
import type { LoraAdapter } from '../lora/lora.ts';
import { type LoraConfig, LoraError, loraScaling } from '../lora/config.ts';
import type { AdaptationPoint, OriginalSample } from '../lora/experiment.ts';

export interface HeldAdapter {
  id: number;
  name: string;
  adapter: LoraAdapter;
  origin: 'trained' | 'imported';
  steps: number;
  qlora: boolean;
  history: AdaptationPoint[];
  /** Logits of the base (no adapter) on the probe, taken when merging: unmerge checks they come back. */
  mergeCheck: { probe: number[]; base: Float32Array[] } | null;
}

export class AdapterStore {
  readonly held: HeldAdapter[] = [];
  /** A training run or comparison is in progress: the calls that change adapters wait for it. */
  busy = false;
  /** The model's original-corpus sample, read or written once (the forgetting curve's yardstick). */
  originalSample: OriginalSample | null = null;
  /** The model's default new text (its folder's new-text.txt, or the explanations), read once. */
  defaultNewText: DefaultNewText | null = null;
  /** Singular values of each base weight by module name (W never changes except while merged). */
  readonly baseSpectra = new Map<string, number[]>();
  private nextId = 1;

  constructor(readonly model: GPT) {}

  /** Takes the next id; `add` must follow for a new adapter to be listed. */
  newId(): number {
    return this.nextId++;
  }

  add(h: HeldAdapter): void {
    this.held.push(h);
  }

  find(id: number): HeldAdapter {
    const h = this.held.find((x) => x.id === id);
    if (!h) throw new LoraError(`There is no adapter #${id} (it was deleted, or the model was reloaded).`);
    return h;
  }

  /** Frees an adapter (unmerging it first if merged) and forgets it. */
  delete(h: HeldAdapter): void {
    h.adapter.dispose();
    this.held.splice(this.held.indexOf(h), 1);
  }

  notBusy(): void {
    if (this.busy) throw new LoraError('An adapter is training right now; stop it or wait for it to finish first.');
  }

  merged(): HeldAdapter | undefined {
    return this.held.find((h) => h.adapter.merged);
  }

  notMerged(doing: string): void {
    const m = this.merged();
    if (m) throw new LoraError(`${m.name} is merged into the weights; unmerge it before ${doing}.`);
  }

  attached(): HeldAdapter | null {
    return this.held.find((x) => x.adapter.enabled) ?? null;
  }

  /** Attaches `h` (or nothing) to the model: only one adapter per linear layer. */
  attach(h: HeldAdapter | null): void {
    for (const x of this.held) if (x !== h && x.adapter.enabled) x.adapter.enabled = false;
    if (h) h.adapter.enabled = true;
  }

  /** Runs `fn` with `h` (or nothing) attached, then puts back whatever was attached before. */
  withAttached<T>(h: HeldAdapter | null, fn: () => T): T {
    const before = this.attached();
    this.attach(h);
    try {
      return fn();
    } finally {
      this.attach(before);
    }
  }

  summary(h: HeldAdapter): AdapterSummary {
    return {
      id: h.id,
      name: h.name,
      config: h.adapter.config,
      scaling: loraScaling(h.adapter.config),
      trainableParameters: h.adapter.trainableCount,
      origin: h.origin,
      steps: h.steps,
      qlora: h.qlora,
      enabled: h.adapter.enabled,
      merged: h.adapter.merged,
      history: h.history.slice(),
    };
  }

  status(info: ModelInfo): LoraStatus {
    return { adapters: this.held.map((h) => this.summary(h)), modelName: info.name, baseParameters: info.parameterCount, busy: this.busy };
  }

  /**
   * Forgets every adapter after its model was disposed: they cannot unmerge
   * any more, so only their own tensors are freed.
   */
  dropAfterModelDisposed(): void {
    for (const h of this.held.splice(0)) for (const l of h.adapter.layers) tf.dispose([l.loraA, l.loraB]);
  }
}

/** "#2 r=4 α=8 rsLoRA": how the panel lists an adapter trained here. */
export function adapterName(id: number, c: LoraConfig): string {
  return `#${id} r=${c.r} α=${c.lora_alpha}${c.use_rslora ? ' rsLoRA' : ''}`;
}
