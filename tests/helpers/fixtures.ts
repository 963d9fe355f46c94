import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The PyTorch reference outputs (tests/fixtures/gpt2-tiny, see its README). */
export const FIXTURE_DIR = path.join(FIXTURES, 'gpt2-tiny');

/**
 * A 198 KB excerpt of Tiny Shakespeare that ships with the tests (see
 * tests/fixtures/README.md): two continuous pieces that together hold all 65
 * characters of the full corpus.
 */
export const CORPUS_EXCERPT = path.join(FIXTURES, 'tinyshakespeare-excerpt.txt');

export function corpusExcerpt(): string {
  return fs.readFileSync(CORPUS_EXCERPT, 'utf8');
}

export interface FixtureCase {
  input_ids: number[];
  logits: number[][];
  logits_with_adapter: number[][];
  attentions?: number[][][][];
}

export function fixtureCases(): { tolerance: number; cases: FixtureCase[] } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'cases.json'), 'utf8'));
}

export function fixturePath(name: string): string {
  return path.join(FIXTURE_DIR, name);
}

export { maxAbsDiff } from './compare.ts';
