// English messages of the "vocab" namespace: the LoRA panel's vocabulary
// expansion section (new 汉字 tokens for a byte-level BPE, new embedding rows,
// continued pre-training, and what it costs in forgetting).
export default {
  title: 'Vocabulary expansion · 词表扩增',
  intro:
    "This model's byte-level BPE spells most 汉字 as three byte tokens, so a Chinese text fills the context window three times as fast as its characters. Expansion adds the K most frequent 汉字 of a Chinese text as new tokens (new vocabulary entries and merges, appended after the old ones: English tokenizes exactly as before), gives each a new embedding row that starts as the mean of the byte tokens it replaces, and then trains a copy of the model on the text — continued pre-training — because the model has never seen the new tokens. Chinese-LLaMA did the same for LLaMA (Cui, Yang & Yao 2023). The model loaded in the page is not changed.",
  needsBpe: '{{name}} reads text with a character tokenizer: every 汉字 it knows is one token already. Choose the Shakespeare model (byte-level BPE) in the header to run this.',
  k: 'New 汉字 (K)',
  kHint: 'the most frequent in the training part',
  steps: 'Steps',
  learningRate: 'Learning rate · learning_rate',
  trainable: {
    legend: 'What trains',
    all: 'All weights (continued pre-training)',
    embeddings: 'Embeddings only (wte, which the output head shares)',
  },
  text: {
    legend: 'Chinese text',
    tang: 'Tang poems shipped with the page (tang/original-sample.txt)',
    own: 'Your own Chinese text',
    placeholder: 'Paste Chinese text: a few thousand characters at least. Its first nine tenths train and choose the characters; the last tenth is held out.',
    split: 'First nine tenths: training and the choice of characters; last tenth: held out for measuring. English: Shakespeare the model did not train on (shakespeare/original-sample.txt).',
  },
  prompt: 'Prompt for the samples',
  run: 'Expand and train',
  stop: 'Stop',
  progressLabel: 'Vocabulary expansion',
  stage: {
    reading: 'Reading the texts…',
    measuring: 'Expanding the tokenizer and measuring the base and the expanded model…',
    training: 'Training the expanded copy…',
    'measuring-after': 'Measuring after training…',
    writing: 'Writing the checkpoint…',
  },
  progress: 'Step {{step}} of {{steps}} · training loss {{loss}} nats per token',
  stopped: 'Stopped after {{steps}} steps; the figures below are measured where it stopped.',
  prepared:
    'Added {{added}} 汉字 as tokens, and {{pieces}} two-byte pieces they are merged from: vocabulary {{vocabBefore}} → {{vocabAfter}} tokens, parameters {{parametersBefore}} → {{parametersAfter}}. The added characters make up {{coverage}} of the held-out 汉字. Training: {{trainTokens}} tokens of Chinese, batches of {{batch}} × {{block}} tokens, {{trainable}} values trained.',
  addedPreview: 'Most frequent first: {{characters}}…',
  strip: {
    title: 'One held-out line, as each tokenizer cuts it',
    before: 'Before: {{count}} tokens',
    after: 'After: {{count}} tokens',
    note: 'Outlined tokens are new. <0xE5> is one byte of a character: the model had to read each 汉字 as three of those.',
  },
  window: {
    title: '汉字 in one context window',
    y: '汉字 per {{window}} tokens',
    base: 'base',
    expanded: 'expanded',
  },
  chart: {
    x: 'step',
    y: 'nats per character',
    zh: 'Held-out Chinese',
    en: 'English (forgetting)',
    zhTitle: 'Held-out Chinese: nats per character',
    enTitle: 'English the model knew: nats per character',
    base: 'base model',
  },
  chartNote:
    'Per character, not per token: the tokenizers cut the text differently, so only the loss per character compares them. Right after the expansion the Chinese loss already falls (a new token costs one prediction where three byte tokens cost three), and training lowers it further; the English loss rises as the copy moves towards Chinese — catastrophic forgetting. Training only the embeddings leaves every other weight as it was; run both settings and compare what each costs in English.',
  table: {
    caption: 'Before and after',
    model: 'Model',
    tokensPerHan: 'tokens per 汉字',
    hanPerWindow: '汉字 per window',
    zhPerChar: 'Chinese, nats per character',
    enPerChar: 'English, nats per character',
    base: 'base (byte tokens)',
    expanded: 'expanded, before training',
    after: 'expanded, after {{steps}} steps',
  },
  samples: {
    title: 'Greedy continuations of the prompt, {{tokens}} new tokens each',
    characters: '{{characters}} characters',
  },
  download: 'Download the expanded model',
  downloadNote:
    'A Hugging Face GPT-2 folder ({{size}}): config.json, model.safetensors and tokenizer.json. Open it with Models… in the header (model files from your computer), or in Python with GPT2LMHeadModel.from_pretrained and PreTrainedTokenizerFast.',
  stepTime: 'median step {{ms}} ms',
};
