import { TINY_SHAKESPEARE_URL } from './corpus.ts';

/** The excerpt of Tiny Shakespeare that ships with the repository (tests/fixtures/README.md says which lines). */
export const CORPUS_EXCERPT_PATH = 'tests/fixtures/tinyshakespeare-excerpt.txt';

export interface CorpusChoice {
  /** A path or URL that `loadCorpus` reads. */
  source: string;
  /** Why this source, in a few words, for the run's log. */
  why: string;
}

/**
 * Which Tiny Shakespeare a script or notebook reads: the one it is told to
 * (a `--corpus` argument or the CORPUS environment variable: a local path or a
 * URL); otherwise, for a small smoke run, the excerpt in the repository (no
 * network needed); otherwise the whole corpus from its public address.
 * `root` is the project root, against which the excerpt's path resolves.
 */
export function chooseCorpus(options: { explicit?: string; size: string; root: string }): CorpusChoice {
  if (options.explicit) return { source: options.explicit, why: 'as asked' };
  if (options.size === 'small') {
    const root = options.root.endsWith('/') ? options.root : `${options.root}/`;
    return { source: `${root}${CORPUS_EXCERPT_PATH}`, why: 'the excerpt that ships with the repository (small run)' };
  }
  return { source: TINY_SHAKESPEARE_URL, why: 'the whole corpus, downloaded from its public address' };
}
