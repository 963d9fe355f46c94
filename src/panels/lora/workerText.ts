// The sentences the worker sends to the LoRA panel (status lines, what the
// original corpus was, a run that made the model worse, a divergence, a module
// the adapter does not adapt) are English and carry no code. English shows
// them as they come; another locale says the ones it recognises in its own
// words, from their structured fields or their fixed wording, and falls back
// to the English for anything else.

import type { ComparisonRun, LoraDataSummary, LoraWorsened } from '../../engine/loraProtocol.ts';
import { currentLocale, t } from '../../i18n/index.ts';
import { formatFixed, formatNumber } from '../../i18n/format.ts';
import { coded } from '../codedText.ts';

const english = () => currentLocale() === 'en';

/** A method of the comparison, as the page names it. */
export function methodLabel(method: ComparisonRun['method']): string {
  const key = (
    {
      LoRA: 'lora:methods.lora',
      'full fine-tuning': 'lora:methods.full',
      AdaLoRA: 'lora:methods.adalora',
      'prompt tuning': 'lora:methods.promptTuning',
      'P-tuning': 'lora:methods.pTuning',
      'prefix tuning': 'lora:methods.prefixTuning',
    } as const
  )[method];
  return t(key);
}

/** A status line of a run ("Preparing the text…"). */
export function statusText(message: string): string {
  if (english()) return message;
  if (message === 'Preparing the text and the original-corpus sample…') return t('lora:worker.preparing');
  if (message === 'Rounding the base weights to 4-bit NF4…') return t('lora:worker.rounding');
  const training = /^Training with (LoRA|full fine-tuning|AdaLoRA|prompt tuning|P-tuning|prefix tuning)…$/.exec(message);
  if (training) return t('lora:worker.trainingWith', { method: methodLabel(training[1] as ComparisonRun['method']) });
  return message;
}

/** Where the original-corpus sample came from. */
export function originalText(data: LoraDataSummary): string {
  if (english()) return data.original;
  return data.originalSource === 'file'
    ? t('lora:worker.originalFile')
    : t('lora:worker.originalGenerated', { tokens: formatNumber(data.originalValTokens) });
}

/** Why training stopped early (a divergence, or a loss that exploded). */
export function stoppedText(message: string): string {
  if (english()) return message;
  const exploded = /^Training exploded at step (\d+) \(loss ([\d.]+)\)/.exec(message);
  if (exploded) return t('lora:worker.exploded', { step: exploded[1], loss: exploded[2] });
  // A DivergenceError's message (src/train/trainer.ts), passed on as the run's stoppedBy.
  const diverged = /^Training diverged at step (\d+): loss (\S+), gradient norm (\S+)\. /.exec(message);
  if (diverged) return coded('common:errors.DivergenceError.diverged', { step: Number(diverged[1]), loss: diverged[2], gradNorm: diverged[3] }) ?? message;
  return message;
}

/** A run that made the model worse: what happened and the way back. */
export function worsenedText(w: LoraWorsened): string {
  if (english()) return w.message;
  const f = (v: number) => formatFixed(v, 3);
  const where = w.end > w.base && !(w.end > w.start && f(w.start) !== f(w.base))
    ? t('lora:worker.worseAboveBase', { end: f(w.end), base: f(w.base) })
    : t('lora:worker.worseAboveStart', { end: f(w.end), start: f(w.start) });
  const restore = w.bestStep === 0 || w.bestLoss > w.base + 0.02
    ? t('lora:worker.worseRestoreStart')
    : t('lora:worker.worseRestoreStep', { step: w.bestStep, loss: f(w.bestLoss) });
  return `${where}${t('lora:worker.worseAdvice')}${restore}`;
}

/** "transformer.h.0 does not adapt mlp.c_fc; it adapts attn.c_attn." */
export function missingModuleText(message: string): string {
  if (english()) return message;
  const prompt = /^(.+) is a (prompt tuning|P-tuning|prefix tuning) adapter: it changes no weight matrix; its (\d+) virtual tokens sit in front of the text\.$/.exec(message);
  if (prompt) return t('lora:worker.noMatrix', { adapter: prompt[1], method: methodLabel(prompt[2] as ComparisonRun['method']), count: Number(prompt[3]) });
  const m = /^(.+) does not adapt (.+); it adapts (.+)\.$/.exec(message);
  return m ? t('lora:worker.notAdapted', { adapter: m[1], module: m[2], adapted: m[3] }) : message;
}
