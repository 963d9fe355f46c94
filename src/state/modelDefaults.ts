// What a model starts with when it is chosen: a prompt in its own language and
// format, and the prompts the repetition sweep decodes. The Shakespeare model
// (and GPT-2, and models trained on the page) gets speaker names from the play
// format; the Tang poetry model gets a poem's title and first line, and titles.
// Pure data, keyed by the embedded model's folder name.

export interface ModelDefaults {
  /** The prompt box's text when the model is opened without a prompt in the link. */
  prompt: string;
  /** The sweep's fixed prompts (the learner's own prompt is put first when it differs). */
  sweepPrompts: readonly string[];
}

const PLAY: ModelDefaults = {
  prompt: 'ROMEO:\n',
  sweepPrompts: ['ROMEO:\n', 'JULIET:\n', 'First Citizen:\n', 'KING RICHARD III:\n', 'MENENIUS:\n', 'DUKE VINCENTIO:\n'],
};

/** The Tang model's text is title, newline, one couplet per line (scripts/prepare-tang.ts). */
const TANG: ModelDefaults = {
  prompt: '静夜思\n床前明月光，',
  sweepPrompts: ['春望\n', '秋夜\n', '送友人\n', '山中\n', '登高\n', '月夜\n'],
};

const BY_MODEL: Readonly<Record<string, ModelDefaults>> = { tang: TANG };

/** The defaults of the model named in the link (`model=` value); unknown names get the play format's. */
export function modelDefaults(model: string): ModelDefaults {
  return Object.hasOwn(BY_MODEL, model) ? BY_MODEL[model] : PLAY;
}
