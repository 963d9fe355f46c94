import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TINY_SHAKESPEARE_URL, loadCorpus } from '../../src/data/corpus.ts';
import { CORPUS_EXCERPT_PATH, chooseCorpus } from '../../src/data/corpusSource.ts';

describe('which Tiny Shakespeare a run reads', () => {
  it('reads what it is told, else the shipped excerpt for small runs, else downloads the whole corpus', () => {
    expect(chooseCorpus({ explicit: '/data/tiny.txt', size: 'small', root: '/p' }).source).toBe('/data/tiny.txt');
    expect(chooseCorpus({ size: 'small', root: '/p' }).source).toBe(`/p/${CORPUS_EXCERPT_PATH}`);
    expect(chooseCorpus({ explicit: '', size: 'full', root: '/p' }).source).toBe(TINY_SHAKESPEARE_URL);
  });

  it('the excerpt ships with the repository, so a small run needs no network', async () => {
    const { source } = chooseCorpus({ size: 'small', root: process.cwd() });
    expect(fs.existsSync(source)).toBe(true);
    const text = await loadCorpus(source);
    expect(text.length).toBe(198_117);
    expect(text.startsWith('First Citizen:')).toBe(true);
  });
});
