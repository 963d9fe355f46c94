// English messages of the "common" namespace: the page's frame (header, tabs,
// link notices, footer) and what several panels share (loading, the prompt box).
export default {
  app: {
    title: 'Transformer Playground',
    tagline:
      "A GPT running entirely in your browser — the small embedded one, one you train, or GPT-2 itself. Every setting lives in the page's address, so a copied link shows someone else exactly this screen.",
    footer: 'TensorFlow.js runs the model in a Web Worker, so the page stays responsive while it generates or trains.',
  },
  language: {
    label: 'Language',
  },
  tabs: {
    label: 'Panels',
    sampling: 'Sampling & repetition',
    attention: 'Attention',
    lora: 'LoRA',
    ownText: 'Your own text',
  },
  linkProblems: {
    title: 'Some settings in the link could not be used as written:',
    dismiss: 'Dismiss',
  },
  panel: {
    about: 'About {{title}}',
  },
  actions: {
    cancel: 'Cancel',
    download: 'Download',
    stop: 'Stop',
  },
  load: {
    stage: {
      config: 'Reading the model configuration',
      tokenizer: 'Reading the tokenizer',
      weights: 'Downloading the weights',
      building: 'Building the model',
      warmingUp: 'Running a first forward pass',
    },
    startingEngine: 'Starting the engine',
    theEngine: 'the engine',
    bytesOf: '{{loaded}} of {{total}}',
    loading: 'Loading <b>{{name}}</b>: ',
    loadingLabel: 'Loading {{name}}',
    confirm:
      '<b>{{name}}</b> is a download of <size>{{size}}</size>. It is kept in this browser afterwards, so later visits read it from disk.',
    untilThen: ' Until then every panel keeps using {{name}}.',
    failed: 'The model did not load.',
    standIn: ' While the embedded model is still being trained, a small stand-in works: ',
    ready:
      '<b>{{name}}</b> is ready: {{layers}} layers × {{heads}} heads, width {{width}}, context {{context}} tokens, {{params}} parameters',
    inUse:
      '<b>{{name}}</b> is in use: {{layers}} layers × {{heads}} heads, width {{width}}, context {{context}} tokens, {{params}} parameters',
    valLoss: ', validation loss {{loss}} nats/token',
    semicolon: '; ',
    sentenceEnd: '. ',
    end: '.',
    offline: 'works offline',
    fromCache: "read from this browser's download cache",
    thisVisit: 'opened for this visit only',
    backend: 'Running on <b>{{backend}}</b>: {{reason}}.',
    memory: ' The engine holds {{tensors}} tensors ({{bytes}}).',
    choosingBackend: 'Choosing a TensorFlow.js backend…',
    // Why this backend runs (the engine says it in English; src/engine/runtime.ts).
    why: {
      asked: '{{backend}} was asked for in the link',
      noWebgl: 'WebGL is not available in this browser, so wasm runs instead',
      software: 'WebGL here is drawn in software ({{renderer}}), which is slow for generating one token at a time, so wasm runs instead',
      gpu: 'WebGL runs on the GPU ({{renderer}})',
    },
    // Notices useEngine sets when a load does not replace the model in use.
    cancelled: 'Loading {{name}} was cancelled.',
    didNotLoad: '{{name}} did not load: {{message}}',
    stillUsing: '{{message}} Still using {{name}}.',
    notKept: '{{name}} loaded, but could not be kept for the next visit: {{problem}}.',
    localGone:
      'Files opened in an earlier visit are not kept (the browser storage refused them then). Open them again with "Open a model…".',
  },
  prompt: {
    title: 'Prompt',
    explanation1:
      'A language model reads text as <em>tokens</em> — pieces of words — and, at every step, scores every token in its vocabulary as the possible next one. <b>Generate</b> here is <em>greedy</em>: it always takes the highest-scoring token, appends it, and asks again.',
    explanation2:
      'The coloured boxes show where one generated token ends and the next begins; <nl>↵</nl> is a line break. Greedy decoding tends to fall into loops, repeating a phrase forever: the Sampling tab measures the loops and shows how temperature, top-k, top-p and the penalties break them.',
    text: 'Text the model continues',
    newTokens: 'New tokens',
    model: 'Model',
    chosenModel: 'the chosen model',
    generate: 'Generate',
    unavailable: 'Generate becomes available once a model has loaded.',
    tokenTitle: 'token {{id}}',
    runningCount_one: '{{count}} token…',
    runningCount_other: '{{count}} tokens…',
    done: '{{n}} tokens, greedy, {{speed}} tokens/s',
    stopped: ' — stopped',
    tokenCount: {
      counting: 'Counting tokens…',
      window_one: '{{n}} token of {{window}} in the window',
      window_other: '{{n}} tokens of {{window}} in the window',
      /** Between the window line and the 汉字 line: a space in English, none after a Chinese full stop. */
      between: ' ',
      overWindow: ' — only the last {{window}} are read',
      perHan_one: '{{perHan}} tokens per 汉字 ({{hanTokens}} token for {{han}} 汉字)',
      perHan_other: '{{perHan}} tokens per 汉字 ({{hanTokens}} tokens for {{han}} 汉字)',
      perHanTitle:
        'Tokens the Chinese characters (Han script) cost under this model’s tokenizer, each run of them counted on its own. A byte-level tokenizer that learned no Chinese spends 3 tokens per 汉字 (its UTF-8 bytes); one trained on Chinese spends about 1, so the same window holds about three times as much Chinese.',
    },
  },
  notices: {
    promptCut: 'The prompt has {{a}} tokens; only the last {{b}} fit the context window, so the start was cut.',
    beamPromptCut: 'The prompt was cut to its last {{a}} tokens so that the beams fit the context window of {{b}}.',
    windowSlid: 'The context window ({{a}} tokens) filled up; it slid forward and the oldest tokens were dropped.',
    windowFull: 'The context window ({{a}} tokens) filled up; only the last {{a}} tokens are read.',
    ngramBanLifted: 'Every token was banned by no_repeat_ngram_size at some step; that step ignored the ban.',
    topKClamped: 'top_k {{a}} is larger than the vocabulary ({{b}}); it keeps every token.',
    beamsIgnoreSampling: 'Beam search ignores sampling: beams are ranked by log-probability.',
  },
};
