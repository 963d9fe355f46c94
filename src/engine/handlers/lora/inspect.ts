// loraInspect: one adapted module opened up — A, B, ΔW and the singular values
// of ΔW and of the frozen base weight.

import * as tf from '@tensorflow/tfjs';
import type { LoraInspection } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady } from '../../runtime.ts';
import { tidyRead } from '../../../model/ops.ts';
import { singularValues } from '../../../util/linalg.ts';

export const loraInspect: Handler<'loraInspect'> = async ({ id, layer, module }): Promise<LoraInspection> => {
  await engineReady();
  const store = adaptersIn('active');
  const h = store.find(id);
  const name = `transformer.h.${layer}.${module}`;
  const l = h.adapter.layers.find((x) => x.name === name);
  if (!l) {
    const adapted = [...new Set(h.adapter.layers.map((x) => x.name.replace(/^transformer\.h\.\d+\./, '')))];
    return { kind: 'missing', message: `${h.name} does not adapt ${name}; it adapts ${adapted.join(', ')}.` };
  }
  const r = h.adapter.config.r;
  const { inFeatures, outFeatures, scaling } = l;
  const { a, b, delta, deltaIn } = tidyRead(() => {
    const d = l.deltaWeight(); // [in, out]: GPT-2's Conv1D layout
    return {
      a: l.loraA.dataSync() as Float32Array,
      b: l.loraB.dataSync() as Float32Array,
      delta: tf.transpose(d).dataSync() as Float32Array, // [out, in]: PEFT's nn.Linear layout
      deltaIn: d.dataSync() as Float32Array,
    };
  });
  let base = store.baseSpectra.get(name);
  if (!base) {
    const w = (await l.base.weight.data()) as Float32Array;
    // While merged, W holds W₀ + ΔW: take ΔW out to show the frozen base.
    const w0 = h.adapter.merged ? w.map((v, i) => v - deltaIn[i]) : w;
    base = singularValues(w0, inFeatures, outFeatures);
    if (!h.adapter.merged) store.baseSpectra.set(name, base);
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
