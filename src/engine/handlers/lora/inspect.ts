// loraInspect: one adapted module opened up — A, B, ΔW and the singular values
// of ΔW and of the frozen base weight.

import * as tf from '@tensorflow/tfjs';
import type { LoraInspection } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady } from '../../runtime.ts';
import { tidyRead } from '../../../model/ops.ts';
import { singularValues } from '../../../util/linalg.ts';
import type { LoraLayer } from '../../../lora/lora.ts';
import { SVDLinear } from '../../../lora/adalora.ts';
import { isMerged } from '../../heldAdapter.ts';

export const loraInspect: Handler<'loraInspect'> = async ({ id, layer, module }): Promise<LoraInspection> => {
  await engineReady();
  const store = adaptersIn('active');
  const h = store.find(id);
  const name = `transformer.h.${layer}.${module}`;
  if (h.method !== 'LoRA' && h.method !== 'AdaLoRA') {
    return { kind: 'missing', message: `${h.name} is a ${h.method} adapter: it changes no weight matrix; its ${h.adapter.numVirtualTokens} virtual tokens sit in front of the text.` };
  }
  const layers: (LoraLayer | SVDLinear)[] = h.adapter.layers;
  const l = layers.find((x) => x.name === name);
  if (!l) {
    const adapted = [...new Set(layers.map((x) => x.name.replace(/^transformer\.h\.\d+\./, '')))];
    return { kind: 'missing', message: `${h.name} does not adapt ${name}; it adapts ${adapted.join(', ')}.` };
  }
  // AdaLoRA: ΔW = B·(A ⊙ E)·α/(ranknum + 1e-5), rank at most init_r (fewer once pruned).
  const r = h.method === 'LoRA' ? h.adapter.config.r : h.adapter.config.init_r;
  const scaling = l instanceof SVDLinear ? l.factor : l.scaling;
  const { inFeatures, outFeatures } = l;
  const merged = isMerged(h);
  const { a, b, delta, deltaIn } = tidyRead(() => {
    const d = l.deltaWeight(); // [in, out]: GPT-2's Conv1D layout
    return {
      a: (l instanceof SVDLinear ? tf.mul(l.loraA, l.loraE) : l.loraA).dataSync() as Float32Array, // AdaLoRA: A ⊙ E, so ΔW = B·a·scaling as for LoRA
      b: l.loraB.dataSync() as Float32Array,
      delta: tf.transpose(d).dataSync() as Float32Array, // [out, in]: PEFT's nn.Linear layout
      deltaIn: d.dataSync() as Float32Array,
    };
  });
  let base = store.baseSpectra.get(name);
  if (!base) {
    const w = (await l.base.weight.data()) as Float32Array;
    // While merged, W holds W₀ + ΔW: take ΔW out to show the frozen base.
    const w0 = merged ? w.map((v, i) => v - deltaIn[i]) : w;
    base = singularValues(w0, inFeatures, outFeatures);
    if (!merged) store.baseSpectra.set(name, base);
  }
  return {
    kind: 'matrices',
    name,
    r,
    scaling,
    inFeatures,
    outFeatures,
    a,
    b,
    delta,
    deltaSingularValues: singularValues(delta, outFeatures, inFeatures),
    baseSingularValues: base,
  };
};
