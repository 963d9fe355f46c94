// The prompt box's token count (countTokens): tokens of the whole text under
// the active model's tokenizer, the 汉字 in it and the tokens they cost, and the
// context window. The embedded Shakespeare model's byte-level BPE learned only
// ASCII, so each 汉字 costs its three UTF-8 bytes; a character tokenizer fitted
// on Chinese text costs one token per 汉字.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, countTokensHandler, hanRuns } from '../../src/engine/handlers/tokens.ts';
import { clearSlot, initBackend, installModel, modelIn } from '../../src/engine/runtime.ts';
import { createPromptTuning } from '../../src/peft/promptTuning.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import type { ModelInfo } from '../../src/engine/protocol.ts';
import { GPT } from '../../src/model/gpt.ts';
import { countParameters, makeConfig } from '../../src/model/config.ts';
import { CharTokenizer, type Tokenizer, tokenizerFromJSON } from '../../src/tokenizer/index.ts';

const SHAKESPEARE = path.resolve('public/models/shakespeare');
const shakespeareTokenizer = (): Tokenizer => tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(SHAKESPEARE, 'tokenizer.json'), 'utf8')));
const shakespeareWindow = (): number => JSON.parse(fs.readFileSync(path.join(SHAKESPEARE, 'config.json'), 'utf8')).n_positions;

const CHINESE = '床前明月光，疑是地上霜。举头望明月，低头思故乡。';
/** 20 汉字 in two runs per line (the full-width commas and stops are not Han). */
const HAN = 20;

describe('hanRuns', () => {
  it('counts Han script characters (code points) and splits them into runs', () => {
    expect(hanRuns('abc')).toEqual({ characters: 0, runs: [] });
    expect(hanRuns('To be 或不是, 𠀀!')).toEqual({ characters: 4, runs: ['或不是', '𠀀'] });
    expect(hanRuns(CHINESE).characters).toBe(HAN);
    // Kana and Hangul are other scripts; kanji are Han.
    expect(hanRuns('ひらがな한국漢字').characters).toBe(2);
  });
});

describe('countTokens', () => {
  it('the Shakespeare tokenizer (ASCII only) spends 3 byte tokens on each 汉字', () => {
    const tokenizer = shakespeareTokenizer();
    const result = countTokens(tokenizer, CHINESE, 128);
    expect(result.hanCharacters).toBe(HAN);
    expect(result.hanTokens).toBe(3 * HAN);
    // The ，and 。 are three bytes each too, and merge with nothing.
    expect(result.tokens).toBe(3 * [...CHINESE].length);
    expect(result.contextWindow).toBe(128);
  });

  it('English text costs no 汉字 tokens; mixed text counts only the Han runs', () => {
    const tokenizer = shakespeareTokenizer();
    const english = countTokens(tokenizer, 'ROMEO: But soft, what light', 128);
    expect(english).toMatchObject({ hanCharacters: 0, hanTokens: 0 });
    expect(english.tokens).toBe(tokenizer.encode('ROMEO: But soft, what light').length);
    const mixed = countTokens(tokenizer, 'ROMEO: 月光 and 明月', 128);
    expect(mixed).toMatchObject({ hanCharacters: 4, hanTokens: 12 });
    expect(countTokens(tokenizer, '', 128)).toEqual({ tokens: 0, hanCharacters: 0, hanTokens: 0, contextWindow: 128, blockSize: 128, unknown: { characters: [], occurrences: 0 } });
  });

  it('a character tokenizer fitted on Chinese text spends 1 token on each 汉字', () => {
    const tokenizer = CharTokenizer.fromText(CHINESE);
    const result = countTokens(tokenizer, CHINESE, 64);
    expect(result).toEqual({ tokens: [...CHINESE].length, hanCharacters: HAN, hanTokens: HAN, contextWindow: 64, blockSize: 64, unknown: { characters: [], occurrences: 0 } });
  });
});

describe('the countTokens handler', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  afterAll(() => clearSlot('active'));

  const install = (tokenizer: Tokenizer, blockSize: number) => {
    const config = makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize });
    const info: ModelInfo = {
      slot: 'active', name: 'test', ref: 'test', from: 'browser', cacheProblem: null, weightBytes: 0, config,
      parameterCount: countParameters(config), tokenizerKind: tokenizer.kind, training: null,
    };
    installModel('active', { model: GPT.create(config, 1), tokenizer, info });
  };

  it('uses the active model’s tokenizer and reports its context window', async () => {
    install(shakespeareTokenizer(), shakespeareWindow());
    const english = await countTokensHandler({ slot: 'active', text: 'To be, or not to be' });
    expect(english.contextWindow).toBe(shakespeareWindow());
    expect(english.hanCharacters).toBe(0);
    const chinese = await countTokensHandler({ slot: 'active', text: CHINESE });
    expect(chinese.hanTokens / chinese.hanCharacters).toBe(3);

    install(CharTokenizer.fromText(CHINESE), 32);
    const fitted = await countTokensHandler({ slot: 'active', text: CHINESE });
    expect(fitted).toEqual({ tokens: [...CHINESE].length, hanCharacters: HAN, hanTokens: HAN, contextWindow: 32, blockSize: 32, unknown: { characters: [], occurrences: 0 } });
  });

  it('with a prompt-learning adapter switched on, reports the window its virtual tokens leave, and the whole window again once it is off', async () => {
    install(shakespeareTokenizer(), 32);
    const { model } = modelIn('active');
    for (const [name, make] of [['prompt tuning', createPromptTuning], ['prefix tuning', createPrefixTuning]] as const) {
      const adapter = make(model, { num_virtual_tokens: 5 });
      try {
        adapter.enabled = true;
        const on = await countTokensHandler({ slot: 'active', text: 'To be, or not to be' });
        expect(on, name).toMatchObject({ contextWindow: 32 - 5, blockSize: 32 });
        adapter.enabled = false;
        expect(await countTokensHandler({ slot: 'active', text: 'To be, or not to be' }), name).toMatchObject({ contextWindow: 32, blockSize: 32 });
      } finally {
        adapter.dispose();
      }
    }
  });

  it('a slot with no model is an error the page can show', async () => {
    await expect(countTokensHandler({ slot: 'training', text: 'x' })).rejects.toThrow(/No model is training/);
  });
});

describe('characters a frequency-cut vocabulary lacks (the Tang model)', () => {
  it('are counted and named, in order of first appearance, and still cost one token each', () => {
    const tokenizer = CharTokenizer.withFrequencyCut('床前明月光，疑是地上霜。\n'.repeat(3), 2);
    // 燔 and the traditional 見 are not in the vocabulary; 燔 occurs twice.
    const result = countTokens(tokenizer, '燔月見燔光', 128);
    expect(result.tokens).toBe(5);
    expect(result.unknown).toEqual({ characters: ['燔', '見'], occurrences: 3 });
    expect(countTokens(tokenizer, '明月光', 128).unknown).toEqual({ characters: [], occurrences: 0 });
  });
});
