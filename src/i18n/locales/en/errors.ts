// English messages for errors from the core and the engine, by the error's kind
// (its `name`) and `code`: common:errors.<name>.<code>, said by
// src/panels/errorText.ts. {{detail}} is the error's own English sentence:
// kinds whose sentences carry more than their codes (a byte offset, a tensor's
// name) show it as it is, and another language gives its gist with it.
export default {
  InputError: {
    'empty-prompt': 'The prompt is empty: type at least one character.',
    'no-tokens': 'The prompt gave no tokens.',
    'too-long':
      '{{tokens}} tokens do not fit the context window of {{blockSize}} positions (the model never learned positions beyond it); shorten the input.',
    'virtual-tokens-too-long':
      '{{tokens}} tokens and {{virtualTokens}} virtual tokens do not fit the context window of {{blockSize}} positions: the prompt takes the first {{virtualTokens}}; shorten the input.',
    'out-of-vocabulary': 'Token id {{id}} at position {{position}} is outside the vocabulary (0…{{maxId}}).',
    'unknown-characters':
      "{{count}} character(s) are not in the vocabulary: {{characters}}. This model's tokenizer has no byte fallback, so the prompt cannot be read.",
    'eos-not-one-token': 'The end text {{text}} is {{tokens}} tokens for this tokenizer; choose text that is a single token (for example "\\n" or ".").',
    'tokenizer-mismatch': 'tokenizer.json has {{tokenizerVocab}} tokens but the model only {{modelVocab}}: they do not belong together.',
    'model-loading': 'The model has not finished loading.',
    'no-training-model': 'No model is training on your text right now.',
    'new-text-empty': 'The new text is empty: paste some text, choose a file, or use the default text.',
    'new-text-too-short':
      'The new text is too short: {{characters}} characters make {{tokens}} tokens, and its last tenth (held out for validation) needs at least {{needed}}. Add more text — a few thousand characters at least.',
    'invalid-input': '{{detail}}',
  },
  /** A sampling setting outside its range; {{setting}} is its Hugging Face name. */
  SettingsError: {
    'not-non-negative': '{{setting}} must be a finite number ≥ 0 (0 means greedy); got {{value}}.',
    'not-whole-non-negative': '{{setting}} must be a whole number ≥ 0 (0 turns it off); got {{value}}.',
    'not-whole-positive': '{{setting}} must be a whole number ≥ 1; got {{value}}.',
    'not-probability': '{{setting}} must be between 0 and 1; got {{value}}.',
    'not-positive': '{{setting}} must be a positive number (1 turns it off); got {{value}}.',
    'not-finite': '{{setting}} must be a finite number; got {{value}}.',
    'beams-out-of-range': '{{setting}} must be a whole number from 1 to {{maxBeams}}; got {{value}}.',
    'not-mass': '{{setting}} must be above 0 and at most 1 (1 turns it off); got {{value}}.',
    'not-cutoff': '{{setting}} must be at least 0 and below 1 (0 turns it off); got {{value}}.',
    'groups-not-divisor': '{{setting}} must be a whole number from 1 to num_beams that divides num_beams; got {{value}}.',
    'contrastive-top-k': '{{setting}} must be a whole number ≥ 2 for contrastive search (penalty_alpha > 0); got {{value}}.',
    'not-penalty': '{{setting}} must be a finite number ≥ 0 (0 turns it off); got {{value}}.',
  },
  /** Prompt learning (src/peft/): settings and PEFT adapter files for prompt tuning, P-tuning and prefix tuning. */
  PromptLearningError: {
    'bad-config': '{{field}} must be {{expected}}; got {{value}}.',
    'unsupported-peft-type':
      'adapter_config.json has peft_type {{peftType}}; a prompt-learning adapter is PROMPT_TUNING, P_TUNING or PREFIX_TUNING.',
    'token-dim-mismatch': "The prompt was made for a model of width {{file}} (token_dim); this model's is {{model}}.",
    'layers-mismatch': 'The prefix was made for {{file}} layers (num_layers); this model has {{model}}.',
    'heads-mismatch': 'The prefix was made for {{file}} attention heads (num_attention_heads); this model has {{model}}.',
    'too-many-virtual-tokens':
      '{{virtualTokens}} virtual tokens leave no room in a context window of {{blockSize}} positions: they take the first ones, so n must be below {{blockSize}}.',
    'missing-tensor': 'The adapter file has no "{{key}}" tensor.',
    'unexpected-tensor': 'The adapter file holds "{{key}}", which a prompt-learning adapter has no place for.',
    'shape-mismatch': '{{key}} is {{got}}; this model needs {{expected}}.',
    'already-attached': 'The model already has another prompt attached; switch that one off first.',
    disposed: 'This prompt-learning adapter has been disposed.',
  },
  /** AdaLoRA (src/lora/adalora*.ts): settings and PEFT adapter files; {{field}} is PEFT's field name. */
  AdaLoraError: {
    'not-whole-positive': '{{field}} must be a whole number ≥ 1; got {{value}}.',
    'not-whole-non-negative': '{{field}} must be a whole number ≥ 0; got {{value}}.',
    'not-open-unit': '{{field}} must be a number between 0 and 1 (both excluded); got {{value}}.',
    'not-positive': '{{field}} must be a positive number; got {{value}}.',
    'not-non-negative': '{{field}} must be a number ≥ 0 (0 scales by init_r); got {{value}}.',
    'not-dropout': '{{field}} must be a number in [0, 1); got {{value}}.',
    'target-not-below-init': 'target_r ({{target_r}}) must be below init_r ({{init_r}}): AdaLoRA prunes from init_r down to target_r.',
    'rank-too-large': 'init_r = {{value}} is larger than the targeted matrices allow: P·Λ·Q has rank at most {{max}} here.',
    'no-budgeting-phase':
      'tinit ({{tinit}}) and tfinal ({{tfinal}}) leave no budgeting phase in total_step ({{total_step}}) steps; decrease tinit or tfinal, or increase total_step.',
    'bad-target-modules': "target_modules must name one or more of GPT-2's modules ({{modules}}), each once; got {{value}}.",
    'bad-layers': 'layers_to_transform must be null or distinct layers 0…{{maxLayer}}; got {{value}}.',
    'not-adalora': 'adapter_config.json has peft_type {{peft_type}}; an AdaLoRA adapter has ADALORA.',
    'missing-field': 'adapter_config.json has no "{{field}}".',
    unsupported: '{{field}} = {{value}} is not supported for AdaLoRA adapters here.',
    'bad-rank-pattern': 'rank_pattern entry "{{key}}" does not fit this adapter: each key names an adapted matrix (….lora_E) and holds init_r booleans.',
    'missing-tensor': 'The adapter file has no "{{key}}" tensor.',
    'shape-mismatch': '{{key}} is {{got}}; this base model and rank pattern need {{expected}} — the adapter was made for another base or config.',
    'unexpected-tensors': 'The adapter holds tensors this model has no place for: {{keys}}.',
    'adapter-attached': '{{name}} already has another adapter attached; switch that one off first.',
    merged: 'The adapter is merged into the weights; unmerge it before switching it off.',
    disposed: 'This AdaLoRA adapter has been disposed.',
  },
  StoreError: {
    unavailable:
      'The browser refused its storage, so nothing can be kept between visits — private browsing often does this. The page keeps working; download what you want to keep.',
    quota:
      "The browser's storage is full. Delete saved models or adapters you no longer need (or download them first), then try again. Nothing else was changed.",
    corrupt: '"{{name}}" is damaged and cannot be read. Delete it; the rest is unaffected.',
    'not-found': 'Nothing is saved under "{{id}}" in this browser (it was deleted, or saved in another browser or profile).',
    'empty-name': 'A name cannot be empty.',
    failed: 'The browser storage failed: {{reason}}. Nothing else was changed.',
  },
  DivergenceError: {
    diverged:
      'Training diverged at step {{step}}: loss {{loss}}, gradient norm {{gradNorm}}. The update was not applied; the weights are those of the last good step. Try a lower learning rate.',
  },
  TrainingInputError: {
    'empty-text': 'The text is empty: paste some text or choose a text file.',
    'one-character':
      'The text has only one distinct character ({{character}}), so there is nothing to learn: with a single possible next character every guess is right. Use a text with at least two different characters (or the BPE tokenizer, whose 256 byte tokens always give a choice).',
    'too-short':
      'The text is too short: {{characters}} characters make {{tokens}} tokens, and one training window needs {{needed}} (a context of {{blockSize}} tokens plus the next one). Add more text — a few thousand characters at least.',
    'training-busy': 'A model is being trained already: wait for it to finish, or stop it, before starting another.',
    'training-slot-taken':
      'A model you trained is loaded (the training slot is in use): this run would replace it. Choose another model for the prompt box first, or train it again in "Your own text".',
  },
  VocabExpansionError: {
    'no-new-tokens':
      'There is nothing to add: {{requested}} characters were asked for. The Chinese text needs 汉字 that the tokenizer spells with more than one token.',
    'not-one-character': '"{{token}}" is not one character; each new token is one character.',
    'already-in-vocabulary': '"{{token}}" is already in the vocabulary (id {{id}}).',
    'duplicate-token': '"{{token}}" is asked for twice.',
    'vocab-limit': 'The vocabulary would grow to {{vocabSize}} tokens, more than the limit of {{limit}}; add fewer characters.',
    'model-mismatch':
      'The model has {{modelVocab}} embedding rows but the tokenizer {{tokenizerVocab}} tokens: a vocabulary is expanded together with the model it belongs to.',
  },
  VocabJobError: {
    'not-byte-bpe':
      '{{name}} reads text with a character tokenizer; vocabulary expansion adds merges to a byte-level BPE. Choose the Shakespeare model in the header.',
    'text-unavailable': '{{file}} could not be read from {{url}}.',
    'text-too-short':
      'The text is too short: {{characters}} characters make {{tokens}} tokens, and one window needs {{needed}}. Add more text — a few thousand characters at least.',
    'bad-setting': '{{field}} must be from {{min}} to {{max}}; got {{value}}.',
    'nothing-to-export': 'There is no expanded model yet: run the vocabulary expansion first.',
  },
  UnknownCharacterError: {
    'unknown-characters':
      "{{count}} character(s) are not in this model's vocabulary: {{characters}}. Its character tokenizer has no byte fallback, so it cannot write them; remove or replace them.",
  },
  WeightFileError: {
    truncated: '{{detail}}',
    'header-too-large': '{{detail}}',
    'bad-header': '{{detail}}',
    'bad-offsets': '{{detail}}',
    'unsupported-dtype': '{{detail}}',
    'shape-mismatch': '{{detail}}',
  },
  CheckpointError: {
    'bad-config': '{{detail}}',
    'unsupported-config': '{{detail}}',
    'missing-tensors': '{{detail}}',
    'unexpected-tensors': '{{detail}}',
    'shape-mismatch': '{{detail}}',
    'config-mismatch': '{{detail}}',
  },
  SourceError: {
    'http-status': '{{detail}}',
    network: '{{detail}}',
    'file-not-found': '{{detail}}',
    'file-read': '{{detail}}',
    'unsupported-source': '{{detail}}',
    'bad-json': '{{detail}}',
    aborted: '{{detail}}',
  },
  /** A held adapter of any PEFT method, and PEFT files the store reads (src/engine/adapterErrors.ts). */
  AdapterError: {
    'bad-json': 'adapter_config.json is not valid JSON ({{reason}}).',
    'unknown-peft-type': 'adapter_config.json has peft_type {{peftType}}; the playground reads {{known}}.',
    'layer-missing': '{{key}} names layer {{layer}}, but this model has {{layers}} layers: the adapter was made for another base.',
    'shape-mismatch': '{{key}} is {{got}}; this model needs {{expected}} — the adapter was made for another base.',
    'missing-tensor': 'The adapter file lacks {{key}}.',
    'unexpected-tensor': 'The adapter holds "{{key}}", which this config and model have no place for.',
    'cannot-merge': '{{name}} is a {{method}} adapter: its virtual tokens sit in front of the text, not in a weight matrix, so there is no W to merge them into. Switch it on instead.',
    'lora-only': '{{name}} is a {{method}} adapter; only LoRA adapters continue training here (the other methods train in the comparison).',
  },
};
