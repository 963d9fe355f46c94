// A step's link: its model's defaults with the step's settings on top, as the
// whole hash a copied link holds. The learner's language and backend stay as
// they are (a lesson must not switch the page's language, nor restart the
// engine on another backend).

import { type PlaygroundState, defaultState, encodeHash } from '../state/schema.ts';
import type { Step } from './types.ts';

export function stepState(step: Step, keep: Pick<PlaygroundState, 'lang' | 'backend'> = defaultState()): PlaygroundState {
  const base = defaultState(step.link.model ?? defaultState().model);
  return { ...base, ...step.link, lang: keep.lang, backend: keep.backend };
}

/** The hash (without '#') that puts the page where the step begins. */
export function stepHash(step: Step, keep?: Pick<PlaygroundState, 'lang' | 'backend'>): string {
  return encodeHash(stepState(step, keep));
}
