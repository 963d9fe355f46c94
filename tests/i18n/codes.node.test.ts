// What the core reports as a code (a notice, a link it could not read, an
// error) the page says in the reader's language from that code and its values,
// through one translator per kind (src/panels/noticeText.ts,
// linkProblemText.ts, errorText.ts). Every code has a sentence in both
// languages, and no sentence is left without a code; the values land in the
// sentence; the English says what the core's own English says.

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../src/i18n/index.ts';
import { resources } from '../../src/i18n/resources.ts';
import { NOTICE_CODES, type Notice, beamPromptCut, promptCut, topKClamped, windowSlid } from '../../src/sampling/notices.ts';
import * as notices from '../../src/sampling/notices.ts';
import { LINK_PROBLEM_CODES } from '../../src/state/linkProblems.ts';
import { decodeHash } from '../../src/state/schema.ts';
import { INPUT_ERROR_CODES, InputError } from '../../src/model/gpt.ts';
import { SETTINGS_ERROR_CODES, SettingsError, DEFAULT_SAMPLING, checkSettings } from '../../src/sampling/settings.ts';
import { STORE_ERROR_CODES, StoreError } from '../../src/store/store.ts';
import { TRAINING_INPUT_ERROR_CODES } from '../../src/engine/handlers/train.ts';
import { DivergenceError } from '../../src/train/trainer.ts';
import { PROMPT_LEARNING_ERROR_CODES } from '../../src/peft/errors.ts';
import { ADALORA_ERROR_CODES } from '../../src/lora/adaloraConfig.ts';
import { VOCAB_EXPANSION_ERROR_CODES, VocabExpansionError, expandByteLevelBPE } from '../../src/tokenizer/vocab-expansion.ts';
import { ByteLevelBPE } from '../../src/tokenizer/bpe.ts';
import { errorData } from '../../src/engine/errorData.ts';
import { readFileSync } from 'node:fs';
import { VOCAB_JOB_ERROR_CODES } from '../../src/engine/handlers/vocab.ts';
import { ADAPTER_ERROR_CODES } from '../../src/engine/adapterErrors.ts';
import { type SourceErrorCode, type WeightFileErrorCode, WeightFileError } from '../../src/io/errors.ts';
import type { CheckpointErrorCode } from '../../src/io/checkpoint.ts';
import { CharTokenizer } from '../../src/tokenizer/char.ts';
import { EngineError } from '../../src/engine/client.ts';
import { codesOf } from '../../src/util/codes.ts';
import { noticeText } from '../../src/panels/noticeText.ts';
import { linkProblemText } from '../../src/panels/linkProblemText.ts';
import { errorText } from '../../src/panels/errorText.ts';
import { LinkProblems } from '../../src/panels/LinkProblems.tsx';

afterEach(() => i18n.changeLanguage('en'));

/** The codes of each error kind (by its `name`), the unions without an array of their own listed here, checked complete by the compiler. */
const ERROR_CODES: Record<string, readonly string[]> = {
  InputError: INPUT_ERROR_CODES,
  SettingsError: SETTINGS_ERROR_CODES,
  StoreError: STORE_ERROR_CODES,
  TrainingInputError: TRAINING_INPUT_ERROR_CODES,
  DivergenceError: ['diverged'],
  PromptLearningError: PROMPT_LEARNING_ERROR_CODES,
  AdaLoraError: ADALORA_ERROR_CODES,
  VocabExpansionError: VOCAB_EXPANSION_ERROR_CODES,
  VocabJobError: VOCAB_JOB_ERROR_CODES,
  AdapterError: ADAPTER_ERROR_CODES,
  UnknownCharacterError: ['unknown-characters'],
  WeightFileError: codesOf<WeightFileErrorCode>({
    truncated: 0, 'header-too-large': 0, 'bad-header': 0, 'bad-offsets': 0, 'unsupported-dtype': 0, 'shape-mismatch': 0,
  }),
  CheckpointError: codesOf<CheckpointErrorCode>({
    'bad-config': 0, 'unsupported-config': 0, 'missing-tensors': 0, 'unexpected-tensors': 0, 'shape-mismatch': 0, 'config-mismatch': 0,
  }),
  SourceError: codesOf<SourceErrorCode>({
    'http-status': 0, network: 0, 'file-not-found': 0, 'file-read': 0, 'unsupported-source': 0, 'bad-json': 0, aborted: 0,
  }),
};

/** Every key under a part of the common namespace, as `prefix.key`. */
function keysUnder(tree: object, prefix: string): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}.${k}`] : keysUnder(v as object, `${prefix}.${k}`)));
}

const expected = [
  ...NOTICE_CODES.map((c) => `notices.${c}`),
  ...LINK_PROBLEM_CODES.map((c) => `linkProblems.codes.${c}`),
  ...Object.entries(ERROR_CODES).flatMap(([name, codes]) => codes.map((c) => `errors.${name}.${c}`)),
].sort();

describe('every code', () => {
  for (const lng of ['en', 'zh'] as const) {
    it(`has a sentence in ${lng}, and every sentence has a code`, () => {
      const common = resources[lng].common;
      const present = [
        ...keysUnder(common.notices, 'notices'),
        ...keysUnder(common.linkProblems.codes, 'linkProblems.codes'),
        ...keysUnder(common.errors, 'errors'),
      ].sort();
      expect(present).toEqual(expected);
      for (const key of expected) expect(i18n.getFixedT(lng)(`common:${key}` as never), key).not.toBe('');
    });
  }
});

describe('notices', () => {
  /** One notice from every constructor, with numbers under 1,000 (Intl writes larger ones grouped). */
  const ALL: Notice[] = [
    notices.promptCut(301, 256), notices.beamPromptCut(200, 256), notices.windowSlid(128), notices.windowFull(512),
    notices.ngramBanLifted(), notices.topKClamped(700, 257), notices.beamsIgnoreSampling(),
  ];

  it('cover every code, and say in English what the core says', () => {
    expect(new Set(ALL.map((n) => n.code))).toEqual(new Set(NOTICE_CODES));
    for (const n of ALL) expect(noticeText(n)).toBe(n.message);
  });

  it('fill in their numbers, written as the locale writes them', async () => {
    expect(noticeText(topKClamped(70000, 50257))).toBe('top_k 70,000 is larger than the vocabulary (50,257); it keeps every token.');
    await i18n.changeLanguage('zh');
    expect(noticeText(topKClamped(70000, 50257))).toBe('top_k 设为 70,000，比词表（50,257 个词元）还大，相当于保留全部词元。');
    expect(noticeText(promptCut(300, 128))).toBe('提示词有 300 个词元，上下文窗口只装得下最后 128 个，开头部分被截掉了。');
    expect(noticeText(beamPromptCut(100, 128))).toBe('为了让各条束都装进 128 个词元的上下文窗口，提示词只保留了最后 100 个词元。');
    expect(noticeText(windowSlid(1024))).toContain('（1,024 个词元）');
  });
});

describe('link problems', () => {
  const BAD = '#colour=blue&prompt=%E0%A4%A&top_k=1&top_k=2&temperature=hot&seed=0x10&max_new_tokens=5000&top_p=-1'
    + '&layer=1.5&panel=bogus&model=..%2Fsecrets';

  it('say in English what the schema says', () => {
    const { problems } = decodeHash(BAD);
    expect(problems.map((p) => p.code)).toEqual([
      'unknown-setting', 'bad-encoding', 'repeated', 'not-a-number', 'not-a-whole-number', 'above-maximum', 'below-minimum',
      'rounded', 'not-one-of', 'no-such-model',
    ]);
    for (const p of problems) expect(linkProblemText(p)).toBe(p.message);
    const long = decodeHash('#prompt=' + 'a'.repeat(2500) + '&model=' + encodeURIComponent('https://huggingface.co/distilgpt2'));
    expect(long.problems.map((p) => p.code)).toEqual(['too-long', 'model-folder']);
    expect(linkProblemText(long.problems[1])).toBe(long.problems[1].message);
    // Link values stay as a link writes them (max_new_tokens=5000 above); a count is a number, written by Intl.
    expect(linkProblemText(long.problems[0])).toBe('prompt is 2,500 characters long; only the first 2,000 are kept.');
  });

  it('are listed in Chinese when the link asks for Chinese (#lang=zh)', async () => {
    const { state, problems } = decodeHash(`#lang=zh&max_new_tokens=5000&panel=bogus&colour=blue`);
    await i18n.changeLanguage(state.lang);
    const html = renderToStaticMarkup(
      createElement(I18nextProvider, { i18n }, createElement(LinkProblems, { problems, onDismiss: () => {} })),
    );
    expect(html).toContain('链接中的部分设置无法按原样使用');
    expect(html).toContain('max_new_tokens=5000 超过上限 1000，改用 1000。');
    expect(html).toContain('panel=&quot;bogus&quot; 不是可选值（sampling, attention, lora, own-text, lessons）之一，改用 sampling。');
    expect(html).toContain('没有名为「colour」的设置，已忽略。');
    expect(html).not.toMatch(/is above|Unknown setting|not one of/);
    const none = createElement(LinkProblems, { problems: [], onDismiss: () => {} });
    expect(renderToStaticMarkup(createElement(I18nextProvider, { i18n }, none))).toBe('');
  });
});

describe('errors', () => {
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    throw new Error('did not throw');
  };

  it('are said from their code and values, in both languages', async () => {
    const tooLong = new InputError('(the core’s English)', 'too-long', { tokens: 1300, blockSize: 1024 });
    const settings = thrown(() => checkSettings({ ...DEFAULT_SAMPLING, top_p: 1.5 }, 10));
    expect(settings).toBeInstanceOf(SettingsError);
    const diverged = new DivergenceError(12, NaN, Infinity);
    expect(errorText(tooLong)).toBe(
      '1,300 tokens do not fit the context window of 1,024 positions (the model never learned positions beyond it); shorten the input.',
    );
    expect(errorText(settings)).toBe((settings as Error).message);
    expect(errorText(diverged)).toBe(diverged.message);
    await i18n.changeLanguage('zh');
    expect(errorText(tooLong)).toBe('1,300 个词元超出了 1,024 个位置的上下文窗口（模型从没学过更靠后的位置），请缩短输入。');
    expect(errorText(settings)).toBe('top_p 必须在 0 到 1 之间，现在是 1.5。');
    expect(errorText(diverged)).toMatch(/^训练在第 12 步发散了：损失为 NaN，梯度范数为 Infinity。/);
    expect(errorText(new InputError('x', 'empty-prompt'))).toBe('提示词是空的：请至少输入一个字符。');
    expect(errorText(new StoreError('not-found', 'x', { params: { id: 'm1' } }))).toContain('「m1」');
  });

  it('a character the tokenizer cannot write is named, in the reader’s language', async () => {
    const err = thrown(() => CharTokenizer.fromText('abc').encode('abxé'));
    await i18n.changeLanguage('zh');
    expect(errorText(err)).toBe('有 2 个字符不在这个模型的词表里："x" "é"。它的字符级分词器没有字节回退（byte fallback），写不出这些字符；请删掉或换掉它们。');
  });

  it('a refused vocabulary expansion is said from its code, in the worker and in the page', async () => {
    const base = ByteLevelBPE.fromJSON(JSON.parse(readFileSync('public/models/shakespeare/tokenizer.json', 'utf8')));
    const twice = thrown(() => expandByteLevelBPE(base, ['床', '月', '床']));
    expect(twice).toBeInstanceOf(VocabExpansionError);
    // As the page gets it from the worker: name, English, code and values as plain data.
    const posted = new EngineError(errorData(twice));
    expect(errorText(posted)).toBe('"床" is asked for twice.');
    await i18n.changeLanguage('zh');
    expect(errorText(posted)).toBe('「床」被要求加入了两次。');
    expect(errorText(thrown(() => expandByteLevelBPE(base, ['床'], { maxVocabSize: 1025 })))).toBe('词表会扩到 1,026 个词元，超过上限 1,025；请少加一些字。');
  });

  it('whose sentence carries more than its code show the gist, then the English as it is', async () => {
    const err = new WeightFileError('truncated', 'model.safetensors: The file has 100 bytes; its header declares 2000.');
    expect(errorText(err)).toBe(err.message);
    await i18n.changeLanguage('zh');
    expect(errorText(err)).toBe(`权重文件不完整：数据在声明的长度之前就断了，下载可能中断了，请重新下载。（英文原文：${err.message}）`);
  });

  it('without a code, or with one the page does not know, keep their English', async () => {
    await i18n.changeLanguage('zh');
    expect(errorText(new Error('Something broke.'))).toBe('Something broke.');
    expect(errorText(new EngineError({ name: 'InputError', message: 'A newer engine.', code: 'from-the-future' }))).toBe('A newer engine.');
    expect(errorText('a string')).toBe('a string');
  });
});
