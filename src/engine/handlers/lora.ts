// The LoRA panel's side of the worker: one handler per method of LoraMethods.
// The adapters themselves live in the embedded model's AdapterStore
// (adapterStore.ts, owned by runtime.ts); each method is in handlers/lora/.

import type { LoraMethods } from '../loraProtocol.ts';
import type { Handler } from '../runtime.ts';
import { loraAttach, loraDelete, loraMerge, loraStatus } from './lora/adapters.ts';
import { loraCompare } from './lora/compare.ts';
import { loraGenerate } from './lora/generate.ts';
import { loraInspect } from './lora/inspect.ts';
import { loraDefaultText } from './lora/newText.ts';
import { loraExport, loraImport } from './lora/peftFiles.ts';
import { loraRestoreBest, loraTrain } from './lora/train.ts';
import { loraRepetitionLab } from './lora/repetitionLab.ts';
import { loraSft, loraSftMethods } from './lora/sft.ts';

export const loraHandlers: { [M in keyof LoraMethods]: Handler<M> } = {
  loraDefaultText,
  loraStatus,
  loraTrain,
  loraAttach,
  loraMerge,
  loraGenerate,
  loraInspect,
  loraExport,
  loraImport,
  loraDelete,
  loraCompare,
  loraRestoreBest,
  loraRepetitionLab,
  loraSft,
  loraSftMethods,
};
