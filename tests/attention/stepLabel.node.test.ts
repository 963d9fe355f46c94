// The step label while a link's step is still being generated: it says how far
// generation is, not that the tokens were generated already.

import { describe, expect, it } from 'vitest';
import { isBehind, stepLabel } from '../../src/panels/attention/stepLabel.ts';

describe('the attention step label', () => {
  it('shows progress, not "1000 tokens generated", while step=1000 is still generating', () => {
    expect(stepLabel({ step: 1000, generated: 0, shown: null })).toBe('Step 1,000: generating — 0 of 1,000 tokens so far…');
    expect(stepLabel({ step: 1000, generated: 240, shown: null })).toBe('Step 1,000: generating — 240 of 1,000 tokens so far…');
    // Stepping on from a shown step: still generating until the frame arrives.
    expect(stepLabel({ step: 1000, generated: 998, shown: 998 })).toBe('Step 1,000: generating — 998 of 1,000 tokens so far…');
    expect(isBehind({ step: 1000, generated: 998, shown: 998 })).toBe(true);
    expect(stepLabel({ step: 1000, generated: 1000, shown: 1000 })).toBe('Step 1,000: 1,000 tokens generated');
    expect(isBehind({ step: 1000, generated: 1000, shown: 1000 })).toBe(false);
  });

  it('names the prompt-alone and single-token steps', () => {
    expect(stepLabel({ step: 0, generated: 0, shown: null })).toBe('Step 0: running the prompt through the model…');
    expect(stepLabel({ step: 0, generated: 0, shown: 0 })).toBe('Step 0: the prompt alone');
    expect(stepLabel({ step: 1, generated: 1, shown: 1 })).toBe('Step 1: 1 token generated');
    // Stepping back shows what is held: nothing to generate.
    expect(stepLabel({ step: 3, generated: 10, shown: 3 })).toBe('Step 3: 3 tokens generated');
    expect(stepLabel({ step: 5, generated: 0, shown: null, failed: true })).toBe('Step 5: not generated (see the message below)');
  });
});
