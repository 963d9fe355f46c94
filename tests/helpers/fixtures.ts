import fs from 'node:fs';
import path from 'node:path';

/** The PyTorch reference outputs that live beside the project, never copied into it. */
export const FIXTURE_DIR = path.resolve('../shared/fixtures/gpt2-tiny');

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

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
