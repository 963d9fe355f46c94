// What the step label says. The link's step may be far ahead of what the
// engine has generated (a link with step=1000 regenerates 1,000 tokens, tens of
// seconds): until those tokens exist the label says how far generation is,
// never that they were generated already. Pure: numbers in, words out (in the
// locale in force).

import { t } from '../../i18n/index.ts';
import { formatNumber } from '../../i18n/format.ts';

export interface StepProgress {
  /** The step the link asks for. */
  step: number;
  /** Generated tokens that exist now (the frames held, or the opening run's progress). */
  generated: number;
  /** The step on screen; null before anything is. */
  shown: number | null;
  /** Generation failed (the message is shown beside the controls). */
  failed?: boolean;
}

/** True while the step asked for is not on screen yet. */
export const isBehind = (p: StepProgress) => p.shown === null || p.shown < p.step;

export function stepLabel(p: StepProgress): string {
  const { step, generated } = p;
  const at = formatNumber(step);
  if (p.failed && isBehind(p)) return t('attention:step.failed', { step: at });
  if (isBehind(p)) {
    if (step === 0) return t('attention:step.runningPrompt');
    const done = Math.min(generated, step);
    return t('attention:step.generating', { count: step, step: at, done: formatNumber(done) });
  }
  return step === 0 ? t('attention:step.promptAlone') : t('attention:step.generated', { count: step, step: at });
}
