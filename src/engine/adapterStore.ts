// The adapters the worker holds for one model — LoRA, AdaLoRA and the three
// prompt-learning methods (heldAdapter.ts) — and what it remembers about that
// model for the LoRA panel. One store per model: the runtime, which owns the
// models, makes it and drops it with its model (runtime.ts `adaptersIn`).
// One adapter is attached at a time (LoRA and AdaLoRA hook the linear layers,
// a prompt sets the model's virtual tokens); the model's own weights change
// only while a LoRA or AdaLoRA adapter is merged.

import * as tf from '@tensorflow/tfjs';
import type { AdapterSummary, DefaultNewText, LoraStatus } from './loraProtocol.ts';
import type { ModelInfo } from './protocol.ts';
import type { GPT } from '../model/gpt.ts';
import { LoraError, loraScaling } from '../lora/config.ts';
import type { AdaptationPoint, OriginalSample } from '../lora/experiment.ts';
import { type HeldKind, PEFT_TYPES, isMerged, loraConfigOf, modulesOf, parameterCount, virtualTokensOf } from './heldAdapter.ts';

export type HeldAdapter = HeldKind & {
  id: number;
  name: string;
  /** Trained by loraTrain, kept from a comparison, or read from PEFT files. */
  origin: 'trained' | 'compared' | 'imported';
  steps: number;
  qlora: boolean;
  history: AdaptationPoint[];
  /** Logits of the base (no adapter) on the probe, taken when merging: unmerge checks they come back. */
  mergeCheck: { probe: number[]; base: Float32Array[] } | null;
};

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
    return this.held.find((h) => isMerged(h));
  }

  notMerged(doing: string): void {
    const m = this.merged();
    if (m) throw new LoraError(`${m.name} is merged into the weights; unmerge it before ${doing}.`);
  }

  attached(): HeldAdapter | null {
    return this.held.find((x) => x.adapter.enabled) ?? null;
  }

  /** Attaches `h` (or nothing) to the model: only one adapter at a time, whatever its method. */
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
    const config = loraConfigOf(h);
    return {
      id: h.id,
      name: h.name,
      method: h.method,
      peftType: PEFT_TYPES[h.method],
      config,
      scaling: config ? loraScaling(config) : null,
      modules: modulesOf(h),
      virtualTokens: virtualTokensOf(h),
      canMerge: h.method === 'LoRA' || h.method === 'AdaLoRA',
      trainableParameters: parameterCount(h),
      origin: h.origin,
      steps: h.steps,
      qlora: h.qlora,
      enabled: h.adapter.enabled,
      merged: isMerged(h),
      history: h.history.slice(),
    };
  }

  status(info: ModelInfo): LoraStatus {
    return {
      adapters: this.held.map((h) => this.summary(h)),
      modelName: info.name,
      baseParameters: info.parameterCount,
      busy: this.busy,
      blockSize: this.model.config.blockSize,
      contextWindow: this.model.contextWindow,
    };
  }

  /**
   * Forgets every adapter after its model was disposed: they cannot unmerge
   * any more, so only their own tensors are freed.
   */
  dropAfterModelDisposed(): void {
    for (const h of this.held.splice(0)) {
      if (h.method === 'LoRA' || h.method === 'AdaLoRA') for (const l of h.adapter.layers) tf.dispose(l.variables());
      else h.adapter.dispose(); // its variables; the disposed model's virtual tokens are cleared with it
    }
  }
}
