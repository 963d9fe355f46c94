import { describe, expect, it } from 'vitest';
import {
  type PlaygroundState, clampToModel, decodeHash, defaultState, encodeHash, schema, setSetting,
} from '../../src/state/schema.ts';
import { modelDefaults } from '../../src/state/modelDefaults.ts';
import { samplingSettingsFrom } from '../../src/state/samplingSettings.ts';

const custom: PlaygroundState = {
  ...defaultState(),
  model: 'dev-tiny',
  backend: 'wasm',
  panel: 'attention',
  prompt: 'KING:\nA & B = 100% #1 + café 🎭?',
  seed: 4_000_000_000,
  maxNewTokens: 250,
  temperature: 0.7,
  topK: 40,
  topP: 0.9,
  layer: 3,
  head: 2,
  trainTokenizer: 'char',
  trainVocab: 1000,
  trainSteps: 1500,
  trainSize: 'small',
};

/** A decoded link with its problems as their English sentences. */
function decodeSentences(hash: string) {
  const { state, problems } = decodeHash(hash);
  return { state, problems: problems.map((p) => p.message) };
}

describe('URL state codec', () => {
  it('reads an empty hash as the defaults, without complaint', () => {
    expect(decodeHash('')).toEqual({ state: defaultState(), problems: [] });
    expect(decodeHash('#')).toEqual({ state: defaultState(), problems: [] });
  });

  it('round-trips every setting, including a prompt full of URL syntax, newlines and emoji', () => {
    const hash = encodeHash(custom);
    expect(decodeHash('#' + hash)).toEqual({ state: custom, problems: [] });
    expect(decodeHash(hash).state).toEqual(custom); // with or without the '#'
  });

  it('writes every setting (the seed included) under its documented key, in schema order', () => {
    const keys = encodeHash(defaultState()).split('&').map((pair) => pair.split('=')[0]);
    expect(keys).toEqual(Object.values(schema).map((f) => f.key));
    expect(keys).toContain('seed');
    expect(keys).toContain('top_k');
  });

  it('keeps missing settings at their defaults', () => {
    const { state, problems } = decodeHash('#model=dev-tiny&top_k=5');
    expect(state).toEqual({ ...defaultState(), model: 'dev-tiny', topK: 5 });
    expect(problems).toEqual([]);
  });

  it('clamps out-of-range numbers and says so', () => {
    const { state, problems } = decodeSentences('#temperature=9&top_k=-5&top_p=1.5&max_new_tokens=2.6&layer=99');
    expect(state.temperature).toBe(5);
    expect(state.topK).toBe(0);
    expect(state.topP).toBe(1);
    expect(state.maxNewTokens).toBe(3);
    expect(state.layer).toBe(63);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/temperature=9 is above the maximum 5; using 5/);
    expect(problems[1]).toMatch(/top_k=-5 is below the minimum 0/);
    expect(problems[3]).toMatch(/max_new_tokens=2.6 is not a whole number; using 3/);
  });

  it('rejects values that are not values, falling back to the default with a message', () => {
    const { state, problems } = decodeSentences('#temperature=hot&seed=0x10&top_k=&panel=secret&backend=tpu');
    expect(state.temperature).toBe(schema.temperature.default);
    expect(state.seed).toBe(schema.seed.default);
    expect(state.topK).toBe(schema.topK.default);
    expect(state.panel).toBe('sampling');
    expect(state.backend).toBe('auto');
    expect(problems).toEqual([
      'temperature="hot" is not a number; using the default 1.',
      'seed="0x10" is not a whole number; using the default 1337.',
      'top_k="" is not a whole number; using the default 0.',
      'panel="secret" is not one of sampling, attention, lora, own-text, lessons; using sampling.',
      'backend="tpu" is not one of auto, webgpu, webgl, wasm, cpu; using auto.',
    ]);
    expect(decodeHash('#temperature=hot&seed=0x10&top_k=&panel=secret&backend=tpu').problems.map((p) => p.code)).toEqual([
      'not-a-number', 'not-a-whole-number', 'not-a-whole-number', 'not-one-of', 'not-one-of',
    ]);
  });

  it('refuses model names that would leave the models folder', () => {
    for (const bad of ['../secrets', 'a/b', '.hidden', '', 'x'.repeat(65), 'ftp://host/x/', 'stored:../x']) {
      const { state, problems } = decodeSentences(`#model=${encodeURIComponent(bad)}`);
      expect(state.model).toBe('shakespeare');
      expect(problems[0]).toMatch(/names no model.*Using shakespeare/);
    }
  });

  it('reads a model folder address, a Hub repo and a stored model from the link', () => {
    const url = decodeSentences(`#model=${encodeURIComponent('http://127.0.0.1:8123/gpt2-synthetic')}`);
    expect(url.state.model).toBe('http://127.0.0.1:8123/gpt2-synthetic/');
    expect(url.problems).toEqual(['model: reading the folder http://127.0.0.1:8123/gpt2-synthetic/.']);
    expect(decodeHash(`#model=${encodeURIComponent('https://huggingface.co/distilgpt2')}`).state.model).toBe('https://huggingface.co/distilgpt2/resolve/main/');
    const stored = decodeHash('#model=stored:m1abc-xyz');
    expect(stored).toEqual({ state: { ...defaultState(), model: 'stored:m1abc-xyz' }, problems: [] });
    expect(decodeHash(encodeHash(url.state)).state.model).toBe(url.state.model);
  });

  it('cuts an overlong prompt to the limit and says so', () => {
    const { state, problems } = decodeSentences('#prompt=' + 'a'.repeat(2500));
    expect(state.prompt).toHaveLength(2000);
    expect(problems[0]).toMatch(/2500 characters long; only the first 2000/);
  });

  it('ignores unknown settings and broken escapes, and still reads the rest', () => {
    const { state, problems } = decodeSentences('#colour=blue&prompt=%E0%A4%A&top_k=7');
    expect(state.topK).toBe(7);
    expect(state.prompt).toBe(schema.prompt.default);
    expect(problems).toEqual(['Unknown setting "colour" ignored.', '"prompt=%E0%A4%A" is not correctly URL-encoded; ignored.']);
  });

  it('lets the last of a repeated setting win, and mentions it', () => {
    const { state, problems } = decodeSentences('#top_k=1&top_k=2');
    expect(state.topK).toBe(2);
    expect(problems).toEqual(['top_k appears more than once; the last value counts.']);
    expect(decodeHash('#top_k=1&top_k=2').problems).toEqual([{ code: 'repeated', params: { key: 'top_k' }, message: problems[0] }]);
  });

  it('reads "+" literally (links are not form posts)', () => {
    expect(decodeHash('#prompt=1+1').state.prompt).toBe('1+1');
  });
});

describe('state changes', () => {
  it('clamps a value set in the page by the same rules as a link', () => {
    const s = defaultState();
    expect(setSetting(s, 'topP', 3).topP).toBe(1);
    expect(setSetting(s, 'maxNewTokens', 0).maxNewTokens).toBe(1);
    expect(setSetting(s, 'trainVocab', 100).trainVocab).toBe(257);
    expect(setSetting(s, 'seed', 12.4).seed).toBe(12);
    expect(setSetting(s, 'model', '../x').model).toBe('shakespeare');
  });

  it('returns the same object when nothing changes, and never mutates', () => {
    const s = defaultState();
    expect(setSetting(s, 'topK', 0)).toBe(s);
    const t = setSetting(s, 'topK', 10);
    expect(t).not.toBe(s);
    expect(s.topK).toBe(0);
    expect(t.topK).toBe(10);
  });

  it('limits the layer and head to the model at hand', () => {
    const s = { ...defaultState(), layer: 7, head: 1 };
    expect(clampToModel(s, { nLayer: 4, nHead: 4 })).toEqual({ ...s, layer: 3, head: 1 });
    const fits = { ...defaultState(), layer: 2, head: 3 };
    expect(clampToModel(fits, { nLayer: 4, nHead: 4 })).toBe(fits);
  });
});

describe('per-model defaults (src/state/modelDefaults.ts)', () => {
  it('a link naming the Tang model without a prompt opens on a poem, not on ROMEO', () => {
    const { state, problems } = decodeHash('#model=tang');
    expect(problems).toEqual([]);
    expect(state.prompt).toBe(modelDefaults('tang').prompt);
    expect(state.prompt).toMatch(/^[\u4E00-\u9FFF]+\n[\u4E00-\u9FFF]{5}，$/);
    expect(decodeHash('').state.prompt).toBe('ROMEO:\n');
  });

  it("a prompt in the link wins over the model's default", () => {
    expect(decodeHash('#model=tang&prompt=' + encodeURIComponent('春望\n')).state.prompt).toBe('春望\n');
    expect(decodeHash('#prompt=abc&model=tang').state.prompt).toBe('abc');
  });

  it("switching model carries a default prompt over to the new model's, but keeps one the learner wrote", () => {
    const start = defaultState();
    const tang = setSetting(start, 'model', 'tang');
    expect(tang.prompt).toBe(modelDefaults('tang').prompt);
    expect(setSetting(tang, 'model', 'shakespeare').prompt).toBe('ROMEO:\n');
    const own = setSetting(start, 'prompt', 'my own text');
    expect(setSetting(own, 'model', 'tang').prompt).toBe('my own text');
  });

  it('round-trips through the link', () => {
    const tang = setSetting(defaultState(), 'model', 'tang');
    expect(decodeHash(encodeHash(tang)).state).toEqual(tang);
  });

  it('the sweep decodes titles on the Tang model and speaker names elsewhere', () => {
    expect(modelDefaults('tang').sweepPrompts.every((p) => /^[\u4E00-\u9FFF]+\n$/.test(p))).toBe(true);
    expect(modelDefaults('https://example.org/gpt2/').sweepPrompts[0]).toBe('ROMEO:\n');
    expect(modelDefaults('constructor').prompt).toBe('ROMEO:\n');
  });
});

describe('the repetition cures in the link (typical_p, ε/η cutoffs, contrastive and diverse beam search)', () => {
  it('round-trips the new fields and strategies', () => {
    const contrastive: PlaygroundState = { ...defaultState(), strategy: 'contrastive', penaltyAlpha: 0.4, topK: 6, typicalP: 0.95, epsilonCutoff: 0.0009, etaCutoff: 0.002 };
    expect(decodeHash(encodeHash(contrastive))).toEqual({ state: contrastive, problems: [] });
    const diverse: PlaygroundState = { ...defaultState(), strategy: 'diverse-beam', numBeams: 6, numBeamGroups: 3, diversityPenalty: 0.5 };
    expect(decodeHash(encodeHash(diverse)).state).toEqual(diverse);
    const link = encodeHash(contrastive);
    for (const part of ['typical_p=0.95', 'epsilon_cutoff=0.0009', 'eta_cutoff=0.002', 'penalty_alpha=0.4', 'strategy=contrastive']) expect(link).toContain(part);
    // Under Hugging Face's names, only where the strategy uses them.
    expect(samplingSettingsFrom(contrastive)).toMatchObject({ do_sample: false, penalty_alpha: 0.4, top_k: 6, num_beams: 1, num_beam_groups: 1 });
    expect(samplingSettingsFrom(diverse)).toMatchObject({ do_sample: false, penalty_alpha: 0, num_beams: 6, num_beam_groups: 3, diversity_penalty: 0.5 });
    expect(samplingSettingsFrom({ ...contrastive, strategy: 'sample' })).toMatchObject({ do_sample: true, penalty_alpha: 0, typical_p: 0.95, epsilon_cutoff: 0.0009, eta_cutoff: 0.002 });
  });

  it('clamps the new values a link gets out of range, and keeps the defaults that turn them off', () => {
    const { state, problems } = decodeHash('#typical_p=0&eta_cutoff=3&num_beam_groups=40&strategy=diverse-beam');
    expect(state).toMatchObject({ typicalP: 0.01, etaCutoff: 0.5, numBeamGroups: 16, strategy: 'diverse-beam' });
    expect(problems.map((p) => p.code)).toEqual(['below-minimum', 'above-maximum', 'above-maximum']);
    expect(defaultState()).toMatchObject({ typicalP: 1, epsilonCutoff: 0, etaCutoff: 0 });
  });
});

describe('the fine-tuning lab in the link (comparison methods, SFT, vocabulary expansion)', () => {
  it('keeps every setting of the comparison, SFT and vocabulary expansion, and refuses values out of range', () => {
    const { state, problems } = decodeHash('#panel=lora&lora_compare=lora,adalora,prefix&sft_method=full&vocab_k=800&vocab_steps=12&vocab_lr=0.002&vocab_train=all&vocab_prompt=%E7%A7%8B%E9%A3%8E');
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ loraCompare: 'lora,adalora,prefix', sftMethod: 'full', vocabK: 800, vocabSteps: 12, vocabLr: 0.002, vocabTrain: 'all', vocabPrompt: '秋风' });
    expect(decodeHash(encodeHash(state)).state).toEqual(state);
    const bad = decodeHash('#vocab_k=0&sft_method=adapter');
    expect(bad.state.vocabK).toBe(1); // clamped into range, and said
    expect(bad.state.sftMethod).toBe('lora');
    expect(bad.problems.length).toBe(2);
  });

  it('takes every fine-tuning method for SFT, under the ids the comparison uses', () => {
    for (const id of ['lora', 'adalora', 'prompt', 'ptuning', 'prefix', 'full']) {
      const { state, problems } = decodeHash(`#sft_method=${id}`);
      expect(problems).toEqual([]);
      expect(state.sftMethod).toBe(id);
      expect(decodeHash(encodeHash(state)).state.sftMethod).toBe(id);
    }
  });
});

describe('threads: the wasm backend\'s thread count in the link', () => {
  it('is auto unless the link fixes it, and round-trips a count', () => {
    expect(defaultState().threads).toBe('auto');
    expect(decodeHash('#threads=2')).toEqual({ state: { ...defaultState(), threads: 2 }, problems: [] });
    expect(decodeHash('#' + encodeHash({ ...defaultState(), threads: 3 })).state.threads).toBe(3);
    expect(decodeHash('#threads=auto')).toEqual({ state: defaultState(), problems: [] });
  });

  it('clamps a count outside 1…8 (the most threads the wasm backend starts) and says so; not a count → auto', () => {
    const high = decodeSentences('#threads=64');
    expect(high.state.threads).toBe(8);
    expect(high.problems).toEqual([expect.stringMatching(/threads=64 is above the maximum 8; using 8/)]);
    const low = decodeHash('#threads=0');
    expect(low.state.threads).toBe(1);
    expect(low.problems.map((p) => p.code)).toEqual(['below-minimum']);
    const bad = decodeHash('#threads=many');
    expect(bad.state.threads).toBe('auto');
    expect(bad.problems.map((p) => [p.code, p.params])).toEqual([['not-a-whole-number', { key: 'threads', value: '"many"', fallback: 'auto' }]]);
    expect(setSetting(defaultState(), 'threads', 12).threads).toBe(8);
    const state = defaultState();
    expect(setSetting(state, 'threads', 'auto')).toBe(state); // unchanged: the same object
  });
});
