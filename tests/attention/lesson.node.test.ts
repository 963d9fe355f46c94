import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteFallback, encodePrompt, maskLesson, teacherForcing, tokenView } from '../../src/engine/handlers/attention.ts';
import { maskedHead, visiblePairs } from '../../src/panels/attention/frames.ts';
import { InputError, type GPT } from '../../src/model/gpt.ts';
import { CharTokenizer, type ByteLevelBPE } from '../../src/tokenizer/index.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';
import { directLayer0 } from '../helpers/direct.ts';
import { smallModel } from './fixture.ts';

describe('the masks lesson and teacher forcing', () => {
  let model: GPT;
  let tokenizer: ByteLevelBPE;
  beforeAll(async () => {
    await useBackend('cpu');
    ({ model, tokenizer } = smallModel(32, 8));
  });
  afterAll(() => model.dispose());

  it('gives, for each mask, the attention a direct computation gives; forbidden cells are 0', async () => {
    const ids = tokenizer.encode('the cat sat on the mat and');
    const prefix = 4;
    const lessons = Array.from({ length: model.config.nHead }, (_, h) => maskLesson(model, tokenizer, ids, prefix, 0, h));
    const lesson = lessons[0];
    expect(lesson.runs.map((r) => r.mask.kind)).toEqual(['causal', 'prefix', 'bidirectional']);
    expect(lesson.runs[1].mask).toEqual({ kind: 'prefix', prefixLength: prefix });
    const n = ids.length;
    for (const [i, run] of lesson.runs.entries()) {
      const direct = await directLayer0(model, ids, run.mask);
      for (let h = 0; h < model.config.nHead; h++) {
        // One head per lesson: n × n weights, the size the page draws.
        const probs = lessons[h].runs[i].probs;
        expect(probs).toHaveLength(n * n);
        const m = maskedHead(probs, n, run.mask);
        expect(maxAbsDiff(m.values, direct[h].flat())).toBeLessThan(1e-5);
        m.masked.forEach((forbidden, j) => forbidden && expect(m.values[j]).toBe(0));
      }
    }
    expect(() => maskLesson(model, tokenizer, ids, prefix, model.config.nLayer, 0)).toThrow(/No layer/);
    // Pairs each family lets through: n(n+1)/2, plus the prefix's upper triangle, n².
    expect(visiblePairs(lesson.runs[0].mask, n)).toBe((n * (n + 1)) / 2);
    expect(visiblePairs(lesson.runs[1].mask, n)).toBe((n * (n + 1)) / 2 + (prefix * (prefix - 1)) / 2);
    expect(visiblePairs(lesson.runs[2].mask, n)).toBe(n * n);
    // Under the prefix mask a prompt token reads a later prompt token; under the causal one it cannot.
    const prefixHead = maskedHead(lesson.runs[1].probs, n, lesson.runs[1].mask);
    expect(prefixHead.values[0 * n + 3]).toBeGreaterThan(0);
    expect(prefixHead.values[0 * n + 4]).toBe(0);
  });

  it('teacher forcing: one pass predicts every position as stepping with the KV cache does', () => {
    const ids = tokenizer.encode('the moon sat with a red hat in the sun.');
    const r = teacherForcing(model, tokenizer, ids);
    expect(r.rows).toHaveLength(ids.length);
    expect(r.maxAbsDiff).toBeLessThan(1e-4);
    expect(r.rows.every((row) => row.fullTop.id === row.stepTop.id)).toBe(true);
    expect(r.rows[ids.length - 1].nextId).toBeNull();
    expect(r.rows[0].nextId).toBe(ids[1]);
    // The KV cache measured: K and V, every layer, width × 4 bytes per token.
    const { nLayer, nEmbd } = model.config;
    expect(r.kvCacheBytes).toBe(2 * nLayer * nEmbd * 4 * ids.length);
    expect(r.loss).toBeGreaterThan(0);
  });

  it('shows characters the vocabulary lacks as their bytes (byte fallback)', () => {
    const prompt = 'the café 中';
    const ids = encodePrompt(tokenizer, prompt);
    expect(tokenizer.decode(ids)).toBe(prompt);
    const fallback = byteFallback(tokenizer, prompt, ids);
    expect(fallback.map((f) => f.char)).toEqual(['é', '中']);
    expect(fallback[1].tokens.join('')).toContain('<0xE4><0xB8><0xAD>');
    const views = ids.map((id) => tokenView(tokenizer, id));
    expect(views.filter((v) => v.byte).length).toBeGreaterThanOrEqual(4);
    expect(byteFallback(tokenizer, 'the cat', tokenizer.encode('the cat'))).toEqual([]);
  });

  it('says clearly what is wrong with an empty prompt or an unwritable character', () => {
    expect(() => encodePrompt(tokenizer, '')).toThrow(InputError);
    expect(() => encodePrompt(tokenizer, '')).toThrow(/empty/);
    const chars = CharTokenizer.fromText('abc ');
    expect(() => encodePrompt(chars, 'a b z')).toThrow(/"z" \(U\+007A\).*no byte fallback/);
  });
});
