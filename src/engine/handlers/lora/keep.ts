// What a comparison leaves behind: each adapter method's trained adapter,
// moved from the comparison's copy of the model to the embedded model through
// PEFT's own files — the same bytes Export writes and Import reads, so what is
// kept is exactly what a download would hold (a prompt-learning adapter in
// inference mode, its virtual tokens saved, its encoder not: PEFT's
// save_pretrained). Held detached; the learner switches it on.

import type { LoadedModel } from '../../runtime.ts';
import type { AdapterStore, HeldAdapter } from '../../adapterStore.ts';
import { type HeldKind, exportFiles, heldName, importFiles, promptKind } from '../../heldAdapter.ts';
import { LoraAdapter } from '../../../lora/lora.ts';
import { AdaLoraAdapter } from '../../../lora/adalora.ts';
import type { PromptLearningAdapter } from '../../../peft/adapter.ts';
import type { AdaptationResult } from '../../../lora/experiment.ts';

function kindOf(adapter: LoraAdapter | AdaLoraAdapter | PromptLearningAdapter): HeldKind {
  if (adapter instanceof LoraAdapter) return { method: 'LoRA', adapter };
  if (adapter instanceof AdaLoraAdapter) return { method: 'AdaLoRA', adapter };
  return promptKind(adapter);
}

export async function keepFromComparison(
  loaded: LoadedModel,
  store: AdapterStore,
  trained: LoraAdapter | AdaLoraAdapter | PromptLearningAdapter,
  run: Pick<AdaptationResult, 'steps' | 'points'>,
): Promise<HeldAdapter> {
  const files = await exportFiles(kindOf(trained), loaded.info.name);
  const kind = importFiles(loaded.model, files.configText, files.weights);
  const id = store.newId();
  const h = { ...kind, id, name: `${heldName(id, kind)} (comparison)`, origin: 'compared', steps: run.steps, qlora: false, history: run.points.slice(), mergeCheck: null } as HeldAdapter;
  store.add(h);
  return h;
}
