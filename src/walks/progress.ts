// Which lessons a learner has finished, kept in the browser. Pure: the page
// hands in its localStorage, tests a Map; a missing or damaged record reads as
// nothing finished.

/** The part of Web Storage used here. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const PROGRESS_KEY = 'transformer-playground:lessons-finished';

export function readFinished(store: KeyValueStore | null, known: readonly string[]): Set<string> {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(PROGRESS_KEY) ?? '[]');
    return new Set(Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string' && known.includes(x)) : []);
  } catch {
    return new Set();
  }
}

/** The set with `id` marked finished or not; written back (a full or refused storage only loses the mark). */
export function writeFinished(store: KeyValueStore | null, finished: ReadonlySet<string>, id: string, done: boolean): Set<string> {
  const next = new Set(finished);
  if (done) next.add(id);
  else next.delete(id);
  try {
    store?.setItem(PROGRESS_KEY, JSON.stringify([...next].sort()));
  } catch {
    // Private browsing or a full quota: the mark holds for this visit only.
  }
  return next;
}
