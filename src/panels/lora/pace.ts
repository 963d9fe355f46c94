// How long the rest of an adapter run will take, measured from its own steps,
// and whether that is still interactive. A GPT-2-size model trains a LoRA step
// in seconds on wasm, and far slower on software WebGL: the panel says so
// after the first steps instead of leaving a progress bar that barely moves.

import { t } from '../../i18n/index.ts';
import { formatFixed, formatNumber } from '../../i18n/format.ts';

/** A run is interactive while the remaining steps take at most this long. */
export const INTERACTIVE_MS = 90_000;
/** Or while a step takes at most this long (the bar visibly moves). */
const SLOW_STEP_MS = 3_000;

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return t('lora:pace.seconds', { value: formatNumber(Math.round(s)) });
  const min = s / 60;
  return min < 90 ? t('lora:pace.minutes', { value: formatNumber(Math.round(min)) }) : t('lora:pace.hours', { value: formatFixed(min / 60, 1) });
}

/**
 * The pace of a run from the step times so far (the first step is left out
 * once there are others: it compiles kernels), or null while it is fine.
 */
export function paceNote(stepMs: readonly number[], plannedSteps: number, backend: string | null): string | null {
  if (stepMs.length === 0) return null;
  const recent = stepMs.length > 1 ? stepMs.slice(1) : stepMs;
  const sorted = [...recent].sort((a, b) => a - b);
  const perStep = sorted[Math.floor(sorted.length / 2)];
  const left = Math.max(0, plannedSteps - stepMs.length);
  const remaining = perStep * left;
  if (perStep <= SLOW_STEP_MS && remaining <= INTERACTIVE_MS) return null;
  return t('lora:pace.note', {
    count: left,
    steps: formatNumber(left),
    perStep: duration(perStep),
    on: backend ? t('lora:pace.on', { backend }) : '',
    remaining: duration(remaining),
  });
}
