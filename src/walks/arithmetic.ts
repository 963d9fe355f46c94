// The measures that are arithmetic rather than a model run: fine-tuning memory
// and attention costs for a 7B model (lessons/costs.ts), worked out from the
// step's settings (its LoRA rank) so the number follows the link.

import type { PlaygroundState } from '../state/schema.ts';
import { BYTES, DEFAULT_FINE_TUNE, LLAMA_7B, attentionMatrixBytes, fineTuneMemory, kvCacheBytesPerToken } from '../lessons/costs.ts';
import type { ArithmeticMeasure } from './types.ts';

export function arithmeticMeasure(id: ArithmeticMeasure, state: PlaygroundState): number {
  const assumptions = { ...DEFAULT_FINE_TUNE, loraRank: state.loraR };
  switch (id) {
    case 'memory:full':
      return fineTuneMemory(LLAMA_7B, 'full fine-tuning', assumptions).total;
    case 'memory:lora':
      return fineTuneMemory(LLAMA_7B, 'LoRA', assumptions).total;
    case 'memory:qlora':
      return fineTuneMemory(LLAMA_7B, 'QLoRA', assumptions).total;
    case 'kvCache7BPerToken':
      return kvCacheBytesPerToken(LLAMA_7B, BYTES.bf16);
    case 'attentionGrowthOnDoubling': {
      const n = DEFAULT_FINE_TUNE.sequenceLength;
      return attentionMatrixBytes(LLAMA_7B, 2 * n, BYTES.bf16) / attentionMatrixBytes(LLAMA_7B, n, BYTES.bf16);
    }
  }
}
