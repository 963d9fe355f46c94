import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt.ts';
import type { Linear, LinearAdapter } from '../model/params.ts';

/** One adapted linear layer: it adds delta(x) beside W, and can write its ΔW into W. */
export interface AdapterLayer extends LinearAdapter {
  readonly name: string;
  readonly base: Linear;
  training: boolean;
  /** ΔW in GPT-2's [in, out] layout. */
  deltaWeight(): tf.Tensor2D;
  /** The layer's own tensors, freed with the adapter. */
  variables(): tf.Variable[];
}

/** Why switching an adapter set on, off or using it failed. */
export type AdapterSetProblem = 'merged' | 'adapter-attached' | 'disposed';

/**
 * The part of an adapter that is the same whatever the update's form (LoRA's
 * B·A, AdaLoRA's P·Λ·Q): a set of layers on one base model, attached to the
 * forward pass or not, merged into the weights or not — as PEFT's
 * BaseTunerLayer does for every tuner. Detached, the base model is exactly
 * itself; merged, the update costs nothing at inference and unmerging gives
 * the base weights back up to float rounding.
 */
export abstract class AdapterSet<L extends AdapterLayer> {
  private attached = false;
  private mergedIn = false;
  private wasEnabledBeforeMerge = false;
  private disposed = false;

  protected constructor(readonly model: GPT, readonly layers: L[]) {}

  /** Each adapter family's own error class (and code) for a problem. */
  protected abstract problem(kind: AdapterSetProblem, message: string, layer?: string): Error;

  get enabled(): boolean {
    return this.attached;
  }

  /** Attaches (true) or detaches (false) the adapter; only one adapter per linear layer. */
  set enabled(on: boolean) {
    this.checkAlive();
    if (this.mergedIn) throw this.problem('merged', 'The adapter is merged into the weights; unmerge it before switching it off.');
    if (on === this.attached) return;
    if (on) {
      for (const l of this.layers) {
        if (l.base.adapter && l.base.adapter !== l) {
          throw this.problem('adapter-attached', `${l.name} already has another adapter attached; switch that one off first.`, l.name);
        }
      }
    }
    for (const l of this.layers) l.base.adapter = on ? l : null;
    this.attached = on;
  }

  get merged(): boolean {
    return this.mergedIn;
  }

  set training(on: boolean) {
    for (const l of this.layers) l.training = on;
  }

  /** W ← W + ΔW: inference then costs nothing extra. */
  merge(): void {
    this.checkAlive();
    if (this.mergedIn) return;
    const wasOn = this.attached;
    if (wasOn) this.enabled = false;
    for (const l of this.layers) tf.tidy(() => l.base.weight.assign(tf.add(l.base.weight, l.deltaWeight())));
    this.mergedIn = true;
    this.wasEnabledBeforeMerge = wasOn;
  }

  /** W ← W − ΔW: the base weights back (up to float rounding), the adapter separate again. */
  unmerge(): void {
    this.checkAlive();
    if (!this.mergedIn) return;
    for (const l of this.layers) tf.tidy(() => l.base.weight.assign(tf.sub(l.base.weight, l.deltaWeight())));
    this.mergedIn = false;
    if (this.wasEnabledBeforeMerge) this.enabled = true;
  }

  protected checkAlive(): void {
    if (this.disposed) throw this.problem('disposed', 'This adapter has been disposed.');
  }

  dispose(): void {
    if (this.disposed) return;
    if (this.mergedIn) this.unmerge();
    this.enabled = false;
    for (const l of this.layers) for (const v of l.variables()) v.dispose();
    this.disposed = true;
  }
}
