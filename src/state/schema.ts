// Every setting of the playground, declared once: its name in the link, its
// default, its codec and its range. The URL hash holds all of them (the seed
// included), so a copied link reproduces what was on screen, as TensorFlow
// Playground's state.ts does. Everything here is a pure function of its inputs.

import { type Field, autoIntField, enumField, floatField, intField, modelField, textField } from './fields.ts';
import { type LinkProblem, linkProblem } from './linkProblems.ts';
import { TARGET_MODULES } from '../lora/config.ts';
import { modelDefaults } from './modelDefaults.ts';

export const PANELS = ['sampling', 'attention', 'lora', 'own-text', 'lessons'] as const;
export type PanelId = (typeof PANELS)[number];

export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** The interface language: auto follows the browser's languages (src/i18n/locales.ts). */
export const LANG_CHOICES = ['auto', 'en', 'zh'] as const;
export type LangSetting = (typeof LANG_CHOICES)[number];
export type BackendChoiceSetting = (typeof BACKEND_CHOICES)[number];

export const TRAIN_TOKENIZERS = ['bpe', 'char'] as const;
export type TrainTokenizerSetting = (typeof TRAIN_TOKENIZERS)[number];

export const TRAIN_SIZES = ['tiny', 'small'] as const;
export type TrainSizeSetting = (typeof TRAIN_SIZES)[number];

export const STRATEGIES = ['sample', 'greedy', 'beam', 'contrastive', 'diverse-beam'] as const;
export type StrategySetting = (typeof STRATEGIES)[number];

export const EARLY_STOPPING = ['false', 'true', 'never'] as const;
export const COMPARE_PRESETS = [
  'greedy', 'beam-4', 'top-k-40', 'top-p-0.9', 'temp-0.7', 'pure', 'no-repeat-3', 'penalty-1.3', 'typical-0.9', 'eta-0.002', 'contrastive', 'diverse-beam',
] as const;
export type ComparePreset = (typeof COMPARE_PRESETS)[number];

export const MASKS = ['causal', 'prefix', 'bidirectional'] as const;
export const ATTENTION_VIEWS = ['heatmap', 'lines', 'grid', 'masks'] as const;

export const ON_OFF = ['off', 'on'] as const;

/** The declared schema. Order here is the order of keys in a link. */
export const schema = {
  model: modelField({
    key: 'model', default: 'shakespeare',
    describe: 'The model every panel runs: a name under models/, the address of a GPT-2 folder, or stored:<id> for one kept in this browser.',
  }),
  backend: enumField({
    key: 'backend', default: 'auto', values: BACKEND_CHOICES,
    describe: 'TensorFlow.js backend; auto picks WebGPU on a real GPU, else WebGL on one, else wasm, else cpu.',
  }),
  threads: autoIntField({ key: 'threads', min: 1, max: 8, describe: "wasm backend's threads (cross-origin isolated pages only): auto is one per physical core; at most 8, and at most the device's logical cores." }),
  lang: enumField({ key: 'lang', default: 'auto', values: LANG_CHOICES, describe: "Interface language (en, zh); auto follows the browser's." }),
  panel: enumField({ key: 'panel', default: 'sampling', values: PANELS, describe: 'Which panel is open.' }),
  prompt: textField({ key: 'prompt', default: 'ROMEO:\n', maxLength: 2000, describe: 'The text every panel continues.' }),
  seed: intField({ key: 'seed', default: 1337, min: 0, max: 2 ** 32 - 1, describe: 'Seeds sampling, and the weights and batches of a model trained here.' }),
  maxNewTokens: intField({ key: 'max_new_tokens', default: 100, min: 1, max: 1000, describe: 'Tokens to generate after the prompt.' }),
  temperature: floatField({ key: 'temperature', default: 1, min: 0, max: 5, describe: 'Divides the logits before softmax; 0 means greedy.' }),
  topK: intField({ key: 'top_k', default: 0, min: 0, max: 100_000, describe: 'Keep only the k most likely tokens; 0 turns it off.' }),
  topP: floatField({ key: 'top_p', default: 1, min: 0, max: 1, describe: 'Keep the smallest set of tokens whose probability reaches p; 1 turns it off.' }),
  strategy: enumField({ key: 'strategy', default: 'sample', values: STRATEGIES, describe: 'Sampling, greedy decoding, or beam search.' }),
  minP: floatField({ key: 'min_p', default: 0, min: 0, max: 1, describe: 'Keep tokens with p ≥ min_p × p_max; 0 turns it off.' }),
  repetitionPenalty: floatField({ key: 'repetition_penalty', default: 1, min: 0.5, max: 3, describe: 'CTRL penalty on tokens already in the text; 1 turns it off.' }),
  noRepeatNgram: intField({ key: 'no_repeat_ngram_size', default: 0, min: 0, max: 10, describe: 'Ban tokens that would repeat an n-gram; 0 turns it off.' }),
  frequencyPenalty: floatField({ key: 'frequency_penalty', default: 0, min: -2, max: 2, describe: 'OpenAI: subtract count × this from generated tokens.' }),
  presencePenalty: floatField({ key: 'presence_penalty', default: 0, min: -2, max: 2, describe: 'OpenAI: subtract this once from any generated token.' }),
  numBeams: intField({ key: 'num_beams', default: 4, min: 1, max: 16, describe: 'Beams kept by beam search.' }),
  lengthPenalty: floatField({ key: 'length_penalty', default: 1, min: -3, max: 3, describe: 'Beam search: finished score = sum of log-probs / length^length_penalty.' }),
  earlyStopping: enumField({ key: 'early_stopping', default: 'false', values: EARLY_STOPPING, describe: "Beam search's early_stopping, as Hugging Face defines it." }),
  eosText: textField({ key: 'eos', default: '', maxLength: 8, describe: 'Beam search: text whose token ends a hypothesis (empty: none).' }),
  typicalP: floatField({ key: 'typical_p', default: 1, min: 0.01, max: 1, describe: 'Typical sampling: keep the tokens whose surprisal is nearest the entropy, up to this mass; 1 turns it off.' }),
  epsilonCutoff: floatField({ key: 'epsilon_cutoff', default: 0, min: 0, max: 0.5, describe: 'ε-sampling: drop tokens with p < this; 0 turns it off.' }),
  etaCutoff: floatField({ key: 'eta_cutoff', default: 0, min: 0, max: 0.5, describe: 'η-sampling: drop tokens with p < min(η, √η·e^−entropy); 0 turns it off.' }),
  penaltyAlpha: floatField({ key: 'penalty_alpha', default: 0.6, min: 0, max: 1, describe: 'Contrastive search: weight of the degeneration penalty (with top_k ≥ 2 candidates).' }),
  numBeamGroups: intField({ key: 'num_beam_groups', default: 2, min: 1, max: 16, describe: 'Diverse beam search: groups the beams split into (must divide num_beams).' }),
  diversityPenalty: floatField({ key: 'diversity_penalty', default: 1, min: 0, max: 10, describe: 'Diverse beam search: penalty per earlier group that chose the same token.' }),
  compare: enumField({ key: 'compare', default: 'greedy', values: COMPARE_PRESETS, describe: 'The setting decoded side by side with the current one.' }),
  layer: intField({ key: 'layer', default: 0, min: 0, max: 63, describe: 'Transformer block shown by the attention panel (0-based).' }),
  head: intField({ key: 'head', default: 0, min: 0, max: 63, describe: 'Attention head shown by the attention panel (0-based).' }),
  step: intField({ key: 'step', default: 0, min: 0, max: 1000, describe: 'Tokens generated so far in the attention panel.' }),
  query: intField({ key: 'query', default: -1, min: -1, max: 2000, describe: 'Query token whose row is shown; −1 means the newest.' }),
  mask: enumField({ key: 'mask', default: 'causal', values: MASKS, describe: 'Attention mask: GPT (causal), GLM (prefix) or BERT (bidirectional).' }),
  attentionView: enumField({ key: 'view', default: 'heatmap', values: ATTENTION_VIEWS, describe: 'Which attention view is open.' }),
  ablate: textField({ key: 'ablate', default: '', maxLength: 200, describe: 'Heads switched off, as layer.head pairs: 1.2,3.0' }),
  loraR: intField({ key: 'lora_r', default: 4, min: 1, max: 64, describe: 'LoRA rank r.' }),
  loraAlpha: floatField({ key: 'lora_alpha', default: 8, min: 0.1, max: 256, describe: 'LoRA alpha; the update is scaled by alpha / r.' }),
  loraRslora: enumField({ key: 'lora_rslora', default: 'off', values: ON_OFF, describe: 'rsLoRA: scale by alpha / √r.' }),
  loraTargets: textField({ key: 'lora_targets', default: 'attn.c_attn,attn.c_proj', maxLength: 80, describe: 'Comma-separated modules to adapt.' }),
  loraCompare: textField({
    key: 'lora_compare', default: 'lora,full', maxLength: 80,
    describe: 'Methods the comparison trains, comma-separated: lora, adalora, prompt, ptuning, prefix, full.',
  }),
  sftMethod: enumField({
    key: 'sft_method', default: 'lora', values: ['lora', 'adalora', 'prompt', 'ptuning', 'prefix', 'full'] as const,
    describe: 'What SFT trains (ids as lora_compare): a PEFT method plus the new special-token rows, or every weight (full).',
  }),
  vocabK: intField({ key: 'vocab_k', default: 500, min: 1, max: 3000, describe: 'Vocabulary expansion: how many frequent 汉字 become tokens.' }),
  vocabSteps: intField({ key: 'vocab_steps', default: 40, min: 1, max: 1000, describe: 'Vocabulary expansion: continued pre-training steps.' }),
  vocabLr: floatField({ key: 'vocab_lr', default: 0.01, min: 1e-5, max: 0.05, describe: 'Vocabulary expansion: learning rate.' }),
  vocabTrain: enumField({ key: 'vocab_train', default: 'embeddings', values: ['embeddings', 'all'] as const, describe: 'Vocabulary expansion: train the embeddings only, or every weight.' }),
  vocabPrompt: textField({ key: 'vocab_prompt', default: '床前明月光，', maxLength: 200, describe: 'Vocabulary expansion: the Chinese prompt continued before and after.' }),
  loraSteps: intField({ key: 'lora_steps', default: 60, min: 1, max: 2000, describe: 'Adapter training steps.' }),
  loraLr: floatField({ key: 'lora_lr', default: 0.005, min: 1e-5, max: 1, describe: 'Adapter learning rate.' }),
  loraObjective: enumField({ key: 'lora_objective', default: 'mle', values: ['mle', 'unlikelihood'] as const, describe: 'Adapter training objective: maximum likelihood, or with unlikelihood on repeated context tokens (Welleck et al. 2019).' }),
  loraMix: floatField({ key: 'lora_mix', default: 0, min: 0, max: 0.9, describe: 'Share of original text mixed into adapter training.' }),
  loraUlAlpha: floatField({ key: 'lora_ul_alpha', default: 1, min: 0, max: 100, describe: 'Weight α of the unlikelihood term (1 in the paper).' }),
  loraModule: enumField({ key: 'lora_module', default: 'attn.c_attn', values: TARGET_MODULES, describe: 'Module whose A, B and ΔW are drawn.' }),
  qlora: enumField({ key: 'qlora', default: 'off', values: ON_OFF, describe: 'Train over a 4-bit NF4 copy of the base weights.' }),
  trainTokenizer: enumField({
    key: 'train_tokenizer', default: 'bpe', values: TRAIN_TOKENIZERS,
    describe: 'Tokenizer fitted to your own text: byte-level BPE or characters.',
  }),
  trainVocab: intField({ key: 'train_vocab', default: 512, min: 257, max: 4096, describe: 'BPE vocabulary size: 256 byte tokens plus learned merges.' }),
  trainSteps: intField({ key: 'train_steps', default: 300, min: 1, max: 20_000, describe: 'Optimizer steps when training on your own text.' }),
  trainSize: enumField({ key: 'train_size', default: 'tiny', values: TRAIN_SIZES, describe: 'Size of the model trained on your own text.' }),
} as const;

type Schema = typeof schema;
export type SettingKey = keyof Schema;
type ValueOf<F> = F extends Field<infer T> ? T : never;
export type PlaygroundState = { readonly [K in SettingKey]: ValueOf<Schema[K]> };

const KEYS = Object.keys(schema) as SettingKey[];

/** The settings a link without any gives, for `model` (whose own defaults, such as its prompt, apply). */
export function defaultState(model: string = schema.model.default): PlaygroundState {
  const state = {} as Record<SettingKey, unknown>;
  for (const k of KEYS) state[k] = schema[k].default;
  state.model = model;
  state.prompt = modelDefaults(model).prompt;
  return state as PlaygroundState;
}

export interface DecodedState {
  state: PlaygroundState;
  /** One per value that was adjusted or ignored (a code, its values, an English sentence), for the page to say. */
  problems: LinkProblem[];
}

/**
 * Reads a URL hash (`#model=x&prompt=…`, with or without the `#`). Missing
 * settings take their defaults; bad ones are clamped or replaced by the
 * default, and each such case is reported.
 */
export function decodeHash(hash: string): DecodedState {
  const state = defaultState() as Record<SettingKey, unknown>;
  const problems: LinkProblem[] = [];
  const byUrlKey = new Map<string, SettingKey>(KEYS.map((k) => [schema[k].key, k]));
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const seen = new Set<string>();
  const given = new Set<SettingKey>();
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    let key: string;
    let raw: string;
    try {
      key = decodeURIComponent(rawKey);
      raw = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      problems.push(linkProblem('bad-encoding', { text: pair.slice(0, 40) }));
      continue;
    }
    const name = byUrlKey.get(key);
    if (!name) {
      problems.push(linkProblem('unknown-setting', { key }));
      continue;
    }
    given.add(name);
    if (seen.has(key)) problems.push(linkProblem('repeated', { key }));
    seen.add(key);
    const parsed = (schema[name] as Field<unknown>).parse(raw);
    if (parsed.ok) {
      state[name] = parsed.value;
      if (parsed.note) problems.push(parsed.note);
    } else {
      state[name] = schema[name].default;
      problems.push(parsed.problem);
    }
  }
  // Settings the link leaves out take the chosen model's defaults (its prompt).
  const forModel = defaultState(state.model as string);
  for (const k of KEYS) if (!given.has(k)) state[k] = forModel[k];
  return { state: state as PlaygroundState, problems };
}

/** Every setting in schema order, URI-encoded; `decodeHash(encodeHash(s))` gives `s` back. */
export function encodeHash(state: PlaygroundState): string {
  return KEYS.map((k) => {
    const field = schema[k] as Field<unknown>;
    return `${encodeURIComponent(field.key)}=${encodeURIComponent(field.format(state[k]))}`;
  }).join('&');
}

/**
 * A new state with one setting changed, clamped by the same rules a link
 * gets. Returns the same object when nothing changes, so React can skip work.
 */
export function setSetting<K extends SettingKey>(state: PlaygroundState, key: K, value: PlaygroundState[K]): PlaygroundState {
  const clamped = (schema[key] as Field<PlaygroundState[K]>).clamp(value);
  if (Object.is(state[key], clamped)) return state;
  // A prompt left at the old model's default follows the model (a Chinese poem's first line for the Tang model);
  // a prompt the learner wrote stays.
  if (key === 'model' && state.prompt === modelDefaults(state.model).prompt) {
    return { ...state, model: clamped as string, prompt: modelDefaults(clamped as string).prompt };
  }
  return { ...state, [key]: clamped };
}

/** The layer and head the attention panel can show in a model of this shape. */
export function clampToModel(state: PlaygroundState, model: { nLayer: number; nHead: number }): PlaygroundState {
  const layer = Math.min(state.layer, model.nLayer - 1);
  const head = Math.min(state.head, model.nHead - 1);
  return layer === state.layer && head === state.head ? state : { ...state, layer, head };
}

export function sameState(a: PlaygroundState, b: PlaygroundState): boolean {
  return KEYS.every((k) => Object.is(a[k], b[k]));
}
