// What the step label says. The link's step may be far ahead of what the
// engine has generated (a link with step=1000 regenerates 1,000 tokens, tens of
// seconds): until those tokens exist the label says how far generation is,
// never that they were generated already. Pure: numbers in, words out.

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

const tokens = (n: number) => `${n.toLocaleString('en')} token${n === 1 ? '' : 's'}`;

/** True while the step asked for is not on screen yet. */
export const isBehind = (p: StepProgress) => p.shown === null || p.shown < p.step;

export function stepLabel(p: StepProgress): string {
  const { step, generated } = p;
  if (p.failed && isBehind(p)) return `Step ${step.toLocaleString('en')}: not generated (see the message below)`;
  if (isBehind(p)) {
    if (step === 0) return 'Step 0: running the prompt through the model…';
    const done = Math.min(generated, step);
    return `Step ${step.toLocaleString('en')}: generating — ${done.toLocaleString('en')} of ${tokens(step)} so far…`;
  }
  return step === 0 ? 'Step 0: the prompt alone' : `Step ${step.toLocaleString('en')}: ${tokens(step)} generated`;
}
