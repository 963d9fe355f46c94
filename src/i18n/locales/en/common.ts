// English messages of the "common" namespace: the page's frame (header, tabs,
// link notices, footer) and what several panels share (loading, the prompt box).
import errors from './errors.ts';

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
    lessons: 'Lessons',
  },
  linkProblems: {
    title: 'Some settings in the link could not be used as written:',
    dismiss: 'Dismiss',
    /** What a link had wrong, by its code (src/state/linkProblems.ts); values are shown as the link writes them. */
    codes: {
      'bad-encoding': '"{{text}}" is not correctly URL-encoded; ignored.',
      'unknown-setting': 'Unknown setting "{{key}}" ignored.',
      repeated: '{{key}} appears more than once; the last value counts.',
      'not-a-number': '{{key}}={{value}} is not a number; using the default {{fallback}}.',
      'not-a-whole-number': '{{key}}={{value}} is not a whole number; using the default {{fallback}}.',
      'below-minimum': '{{key}}={{value}} is below the minimum {{min}}; using {{used}}.',
      'above-maximum': '{{key}}={{value}} is above the maximum {{max}}; using {{used}}.',
      rounded: '{{key}}={{value}} is not a whole number; using {{used}}.',
      'not-one-of': '{{key}}={{value}} is not one of {{allowed}}; using {{fallback}}.',
      'too-long': '{{key}} is {{length}} characters long; only the first {{maxLength}} are kept.',
      'bad-address': '{{key}}={{value}} is not a valid address. Using {{fallback}}.',
      'no-such-model':
        '{{key}}={{value}} names no model: use a name from the list (such as shakespeare), an http(s) address of a model folder, or stored:<id>. Using {{fallback}}.',
      'model-folder': '{{key}}: reading the folder {{url}}.',
    },
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
    // The wasm backend's thread pool: several threads only when the page is cross-origin isolated (COOP/COEP headers).
    threads: ' It computes on {{count}} threads at once.',
    oneThread: ' It computes on one thread (wasm runs more only in a cross-origin isolated page, one per physical CPU core).',
    // Isolated, so threads were possible: why one (auto: one per physical core), or fewer than the link's threads= asked.
    oneThreadAuto: ' It computes on one thread: auto runs one per physical core, about half of the {{cores}} logical cores here (threads={{cores}} in the link asks for more).',
    oneThreadAsked: ' It computes on one thread, as the link asks (threads=1).',
    threadsCapped: ' The link asks for {{asked}} threads, but this device has {{cores}} logical cores.',
    choosingBackend: 'Choosing a TensorFlow.js backend…',
    // Why this backend runs, by the engine's code (src/engine/backend.ts, backendOrder).
    why: {
      asked: '{{backend}} was asked for in the link',
      noWebgl: 'WebGL is not available in this browser, so wasm runs instead',
      software: 'WebGL here is drawn in software ({{renderer}}), which is slow for generating one token at a time, so wasm runs instead',
      gpu: 'WebGL runs on the GPU ({{renderer}})',
      webgpu: 'WebGPU runs on the GPU ({{adapter}})',
      measured: '{{backend}} was the fastest for generation when measured on this device',
      instead: '{{why}}, but {{wanted}} could not start here, so {{backend}} runs instead',
    },
    // The WebGPU adapter the backend computes on; a fallback adapter (SwiftShader) runs on the CPU.
    adapter: ' Its WebGPU adapter: {{adapter}}.',
    adapterSoftware: ' Its WebGPU adapter, {{adapter}}, is a software one: it computes on the CPU, far slower than a GPU.',
    // A backend that could not start, by code (src/engine/backend.ts, BackendUnavailable).
    unavailable: {
      'no-webgpu':
        '{{backend}} could not start: this browser has no WebGPU (it needs a recent Chrome, Edge or Safari, and a page served over https or from localhost).',
      'no-adapter':
        '{{backend}} could not start: the browser offers no WebGPU adapter (no supported GPU, or WebGPU is switched off for it; headless Chromium needs --enable-unsafe-webgpu).',
      'no-sync-read':
        '{{backend}} starts here but cannot hand its results back at once (its WebGPU canvas fails, as in headless Chromium without a GPU), and the model reads a result at every step.',
      failed: '{{backend}} could not start: {{message}}.',
    },
    runsInstead: '{{backend}} runs instead.',
    // auto's measurement (src/panels/backendVerdictLine.tsx): one decode step and one small training step per backend.
    verdict: {
      waiting: 'In a moment auto measures which backend is fastest on this device: a few generation steps and one small training step on each, in the background.',
      measuring: 'Measuring which backend is fastest on this device: a few generation steps and one small training step on each, in the background…',
      chosen: '<b>{{fastest}}</b> chosen: {{figures}}, measured on this device.',
      nextStart: '<b>{{fastest}}</b> is the fastest here: {{figures}}, measured on this device. {{backend}} keeps running now; the next start begins on {{fastest}}.',
      training: ' For training ({{tokens}} tokens a step): {{figures}}, so {{fastest}} is the fastest to train on.',
      perToken: '{{backend}} {{ms}} ms/token',
      perTokenOneStep: '{{backend}} {{ms}} ms/token (one step: far behind, so not timed further)',
      perStep: '{{backend}} {{ms}} ms/step',
      notTimed: '{{backend}} not timed (its first step alone took too long)',
      versus: ' vs ',
      again: 'Measure again',
      cost: ' Measuring took {{seconds}} s in the background.',
      failed: 'The backends could not be measured: {{message}}',
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
      /** After the window, with a prompt-learning adapter switched on (prompt tuning, P-tuning, prefix tuning). */
      virtual_one: ' (the model’s {{block}} less the {{n}} virtual token of the prompt adapter switched on)',
      virtual_other: ' (the model’s {{block}} less the {{n}} virtual tokens of the prompt adapter switched on)',
      overWindow: ' — only the last {{window}} are read',
      perHan_one: '{{perHan}} tokens per 汉字 ({{hanTokens}} token for {{han}} 汉字)',
      perHan_other: '{{perHan}} tokens per 汉字 ({{hanTokens}} tokens for {{han}} 汉字)',
      unknown_one: '{{n}} character is not in this model’s vocabulary and is read as the unknown token �: {{characters}}',
      unknown_other: '{{n}} characters are not in this model’s vocabulary and are read as the unknown token �: {{characters}}',
      unknownTitle:
        'This model’s vocabulary keeps only characters frequent enough in its training text (the Tang model: seen at least 10 times), plus one unknown token shown as �; rarer characters, traditional forms and anything else become that token, and the model cannot tell them apart.',
      listSeparator: ', ',
      perHanTitle:
        'Tokens the Chinese characters (Han script) cost under this model’s tokenizer, each run of them counted on its own. A byte-level tokenizer that learned no Chinese spends 3 tokens per 汉字 (its UTF-8 bytes); one trained on Chinese spends about 1, so the same window holds about three times as much Chinese.',
    },
  },
  /** Notices from the core (src/sampling/notices.ts), by their code; the English is the core's own. */
  notices: {
    'prompt-cut': 'The prompt has {{promptTokens}} tokens; only the last {{blockSize}} fit the context window, so the start was cut.',
    'beam-prompt-cut': 'The prompt was cut to its last {{kept}} tokens so that the beams fit the context window of {{blockSize}}.',
    'window-slid': 'The context window ({{blockSize}} tokens) filled up; it slid forward and the oldest tokens were dropped.',
    'window-full': 'The context window ({{blockSize}} tokens) filled up; only the last {{blockSize}} tokens are read.',
    'ngram-ban-lifted': 'Every token was banned by no_repeat_ngram_size at some step; that step ignored the ban.',
    'top-k-clamped': 'top_k {{topK}} is larger than the vocabulary ({{vocabSize}}); it keeps every token.',
    'beams-ignore-sampling': 'Beam search ignores sampling: beams are ranked by log-probability.',
  },
  /** Errors from the core and the engine, by kind and code (./errors.ts). */
  errors,
};
