// The lessons as data: every step's link parses back with no link problem and
// sets what the step says, every measure is one the page computes, every claim
// names steps that exist, and both locales have every lesson's texts.

import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash, sameState } from '../../src/state/schema.ts';
import { resources } from '../../src/i18n/resources.ts';
import { BEYOND, LESSONS } from '../../src/walks/catalog.ts';
import { stepHash, stepState } from '../../src/walks/links.ts';
import { MEASURES, MEASURE_UNITS, claimHolds } from '../../src/walks/types.ts';
import { PROGRESS_KEY, readFinished, writeFinished } from '../../src/walks/progress.ts';
import { i18n } from '../../src/i18n/index.ts';
import { measureLabel } from '../../src/panels/lessons/format.ts';

describe('the lessons', () => {
  it('are at least six, with distinct ids', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
  });

  for (const lesson of LESSONS) {
    it(`${lesson.id}: every link parses with no problem and gives the step's settings`, () => {
      lesson.steps.forEach((step) => {
        const { state, problems } = decodeHash(stepHash(step));
        expect(problems).toEqual([]);
        expect(sameState(state, stepState(step))).toBe(true);
        for (const [key, value] of Object.entries(step.link)) expect(state[key as keyof typeof state]).toBe(value);
      });
    });

    it(`${lesson.id}: measures the page knows, claims about steps that exist`, () => {
      for (const step of lesson.steps) expect(MEASURES).toContain(step.measure);
      for (const claim of lesson.claims) {
        const steps = claim.kind === 'greater' || claim.kind === 'near' ? [claim.a, claim.b] : [claim.step];
        for (const s of steps) expect(s >= 0 && s < lesson.steps.length).toBe(true);
      }
    });

    it(`${lesson.id}: both locales have its title, question, a sentence per step, answer and note on scale`, () => {
      for (const locale of ['en', 'zh'] as const) {
        const texts = (resources[locale].lessons.lessons as Record<string, Record<string, string>>)[lesson.id];
        expect(texts, `${locale} ${lesson.id}`).toBeDefined();
        const keys = ['title', 'question', 'answer', 'differs', ...lesson.steps.map((_, i) => `s${i + 1}`)];
        for (const k of keys) expect(texts[k]?.length, `${locale} lessons.${lesson.id}.${k}`).toBeGreaterThan(3);
        expect(Object.keys(texts).filter((k) => /^s\d+$/.test(k))).toHaveLength(lesson.steps.length);
      }
    });
  }

  it('keep the learner’s language and backend when a step is applied', () => {
    const step = LESSONS[0].steps[0];
    const state = decodeHash(stepHash(step, { lang: 'zh', backend: 'wasm' })).state;
    expect(state.lang).toBe('zh');
    expect(state.backend).toBe('wasm');
    expect(encodeHash(state)).toBe(stepHash(step, { lang: 'zh', backend: 'wasm' }));
  });

  it('every measure has a unit and a label in both locales; every beyond note exists in both', () => {
    for (const id of MEASURES) {
      expect(MEASURE_UNITS[id]).toBeDefined();
      expect(resources.en.lessons.measures[id]).toBeTruthy();
      expect(resources.zh.lessons.measures[id]).toBeTruthy();
    }
    for (const id of BEYOND) {
      expect(resources.en.lessons.beyond[id]).toBeTruthy();
      expect(resources.zh.lessons.beyond[id]).toBeTruthy();
    }
  });

  it('the page shows every measure under its label in both locales (memory:full’s colon is not read as a namespace)', async () => {
    try {
      for (const lng of ['en', 'zh'] as const) {
        await i18n.changeLanguage(lng);
        for (const id of MEASURES) expect(measureLabel(id), `${lng} ${id}`).toBe(resources[lng].lessons.measures[id]);
      }
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('the Chinese lessons use the interview terms', () => {
    const zh = JSON.stringify(resources.zh.lessons);
    for (const term of ['复读机', '束搜索', '低秩适配', '灾难性遗忘', '显存', '因果掩码', '前缀', 'top_p', 'no_repeat_ngram_size', 'lora_r', '指令微调', '损失掩码', '词表扩增', '对话模板', '继续训练', '领域预训练', '知识注入', '多轮对话', '领域评测集', '优化器状态']) expect(zh).toContain(term);
  });

  it('claims read measured numbers by direction, and wait for missing ones', () => {
    expect(claimHolds({ kind: 'greater', a: 0, b: 1 }, [0.4, 0.01])).toBe(true);
    expect(claimHolds({ kind: 'greater', a: 0, b: 1 }, [0.01, 0.4])).toBe(false);
    expect(claimHolds({ kind: 'below', step: 1, bound: 1e-4 }, [null, 3e-6])).toBe(true);
    expect(claimHolds({ kind: 'above', step: 0, bound: 2.5 }, [null])).toBeNull();
    expect(claimHolds({ kind: 'near', a: 1, b: 0, within: 0.1 }, [4.17, 4.2])).toBe(true);
    expect(claimHolds({ kind: 'near', a: 1, b: 0, within: 0.1 }, [4.17, 4.3])).toBe(false);
  });

  it('progress survives a reload and ignores a damaged record', () => {
    const map = new Map<string, string>();
    const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    const ids = LESSONS.map((l) => l.id);
    let finished = writeFinished(store, readFinished(store, ids), 'parroting', true);
    finished = writeFinished(store, finished, 'masks', true);
    finished = writeFinished(store, finished, 'masks', false);
    expect([...readFinished(store, ids)]).toEqual(['parroting']);
    map.set(PROGRESS_KEY, '{not json');
    expect(readFinished(store, ids).size).toBe(0);
  });
});
