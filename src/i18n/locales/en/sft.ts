// English messages of the "sft" namespace: the LoRA panel's instruction-tuning
// (SFT) section — the chat template, the loss mask, and getting dumber.
export default {
  title: 'Instruction tuning (SFT): chat template, loss mask, getting dumber',
  intro:
    'Supervised fine-tuning teaches a model to answer. The conversations are written with a chat template whose role markers {{user}}, {{assistant}} and {{end}} are new special tokens: added to the tokenizer (as Hugging Face’s add_special_tokens does) and to the model as new embedding rows, each started at the mean of the old rows. A copy of the model then trains three times from the same start, with the same examples, {{steps}} steps and seed {{seed}}: (a) the loss on every token, (b) the loss on the answers only — labels = −100 on everything else, as TRL’s DataCollatorForCompletionOnlyLM does — and (c) as (b) with {{mix}} of each batch’s rows taken from the original corpus. The model in the page is not changed.',
  method: 'Method',
  lora: 'LoRA (r = {{r}}, rate {{rate}}, plus the 3 new embedding rows)',
  full: 'full fine-tuning (rate {{rate}})',
  run: 'Run SFT',
  stop: 'Stop',
  progressLabel: 'SFT',
  starting: 'Starting…',
  progress: '{{arm}}: step {{step}} of {{planned}}',
  stopped: 'Stopped.',
  example: {
    title: 'One training conversation, as the model reads it',
    note:
      'Highlighted tokens count in the answers-only loss (b): the assistant’s words and its {{end}}. Grey tokens are labelled −100 and skipped — the question, the markers before the answer, the newlines; padding to the longest example of a batch is −100 as well. The all-tokens loss (a) counts every token. Batches pad (one conversation per row), they do not pack.',
    legendCounted: 'counted',
    legendIgnored: 'labels = −100 (skipped)',
  },
  data: '{{language}} set: {{train}} training conversations (some with two turns), {{heldOut}} held-out questions never trained on; {{added}} special tokens added (vocabulary now {{vocab}}).',
  languages: { en: 'English questions about this playground', zh: 'Tang lines: “下句：<line>” → the next line' },
  arms: {
    base: 'before SFT (new rows only)',
    all: '(a) loss on all tokens',
    answers: '(b) loss on answers only',
    mixed: '(c) answers only + {{mix}} original text',
  },
  columns: {
    run: 'Run',
    answerLoss: 'held-out answer loss',
    questionLoss: 'held-out question loss',
    ends: 'answers that stop at {{end}}',
    original: 'original-corpus loss',
    markers: 'markers in free text',
  },
  columnNote:
    'Losses in nats per token on held-out data. Answer loss: the held-out answers and their {{end}}, the same tokens for every run. Question loss: the held-out questions — what loss (a) trains too. Stops at {{end}}: greedy answers to the held-out questions that end with {{end}} within {{tokens}} tokens (the model follows the template). Original-corpus loss: forgetting — “getting dumber”. Markers in free text: chat markers the model writes when it simply continues original text.',
  chart: {
    x: 'step',
    y: 'loss (nats per token)',
    answers: 'Held-out answers',
    original: 'Original corpus (forgetting)',
  },
  samples: {
    title: 'What the model writes',
    free: 'Free generation, greedy, from the start of an original-text passage',
    answers: 'Greedy answers to held-out questions',
    noEnd: '(no {{end}})',
  },
  findings: {
    title: 'What to look for',
    text:
      'Measured in this run: the original corpus’s loss went from {{before}} to {{answers}} after answers-only SFT and to {{mixed}} with original text mixed in; (a) brought the held-out question loss to {{qAll}} against {{qAnswers}} for (b) — the all-tokens loss spends its steps learning to write questions, and its free text can drift into the chat format. The model “gets dumber” on what it knew because every step pulls it toward the new format and nothing pulls it back (catastrophic forgetting); mixing original text back in is what pulls. One short run of a small model: change the seed and run again to see which differences hold.',
  },
  status: {
    training: 'Training run {{arm}}…',
  },
};
