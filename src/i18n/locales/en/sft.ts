// English messages of the "sft" namespace: the LoRA panel's instruction-tuning
// (SFT) section — the chat template, the loss mask, and getting dumber.
export default {
  title: 'Instruction tuning (SFT): chat template, loss mask, getting dumber',
  intro:
    'Supervised fine-tuning teaches a model to answer. The conversations are written with a chat template whose role markers {{user}}, {{assistant}} and {{end}} are new special tokens: added to the tokenizer (as Hugging Face’s add_special_tokens does) and to the model as new embedding rows, each started at the mean of the old rows. A copy of the model then trains three times from the same start, with the same examples, {{steps}} steps and seed {{seed}}: (a) the loss on every token, (b) the loss on the answers only — labels = −100 on everything else, as TRL’s DataCollatorForCompletionOnlyLM does — and (c) as (b) with {{mix}} of each batch’s rows taken from the original corpus. The model in the page is not changed.',
  method: 'Method',
  methods: {
    lora: 'LoRA (r = {{r}}, rate {{rate}})',
    adalora: 'AdaLoRA (pruned to r = {{r}} on average, rate {{rate}})',
    prompt: 'prompt tuning ({{n}} virtual tokens, rate {{rate}})',
    ptuning: 'P-tuning ({{n}} virtual tokens from an MLP prompt encoder, rate {{rate}})',
    prefix: 'prefix tuning / P-tuning v2 ({{n}} keys and values per layer, rate {{rate}})',
    full: 'full fine-tuning (every weight, rate {{rate}})',
  },
  methodNote:
    'Every method but full fine-tuning keeps the base weights frozen, yet the markers’ {{added}} new embedding rows must learn (left at their shared mean start, {{user}} and {{assistant}} would look alike), so those rows train beside the method’s own variables and nothing else of the table does — what PEFT does with LoraConfig(trainable_token_indices=…) or a TrainableTokensConfig on embed_tokens (the older recipe, modules_to_save=[“embed_tokens”], trains the whole table). The prompt methods train at the rates PEFT’s examples use for them.',
  run: 'Run SFT',
  runAll: 'All methods: getting dumber side by side',
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
    originalOff: 'original-corpus loss, method off',
    answerLoss: 'held-out answer loss',
    questionLoss: 'held-out question loss',
    ends: 'answers that stop at {{end}}',
    original: 'original-corpus loss',
    markers: 'markers in free text',
  },
  columnNote:
    'Losses in nats per token on held-out data. Answer loss: the held-out answers and their {{end}}, the same tokens for every run. Question loss: the held-out questions — what loss (a) trains too. Stops at {{end}}: greedy answers to the held-out questions that end with {{end}} within {{tokens}} tokens (the model follows the template). Original-corpus loss: forgetting — “getting dumber”. Method off: the original-corpus loss once the method is switched off after training (its trained marker rows stay); full fine-tuning has no off. Markers in free text: chat markers the model writes when it simply continues original text.',
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
  compare: {
    title: 'Getting dumber, method by method',
    intro:
      'One click trains answers-only SFT with each method from the same copy of the model, with the same examples, {{steps}} steps and seed {{seed}} (no original text mixed in), and measures the original corpus’s loss with the method attached and again with it switched off.',
    progress: '{{method}}: step {{step}} of {{planned}}',
    columns: {
      method: 'Method',
      trainable: 'values that train',
      answer: 'held-out answer loss',
      riseOn: 'original-corpus loss rise, attached',
      riseOff: 'rise, method off',
      baseChange: 'base weights, max |Δ| (method off)',
      ends: 'answers that stop at {{end}}',
    },
    note:
      'Rises are against the model before SFT (new rows only, original-corpus loss {{before}}). Max |Δ| compares every base weight with the method switched off, the markers’ new rows aside: 0 means bit for bit unchanged.',
    findings:
      'Attached, the original corpus’s loss changed by between {{lowOn}} ({{lowMethod}}) and {{highOn}} ({{highMethod}}). Switched off, the methods that keep the base frozen have every base weight bit for bit as it was, and the original corpus’s loss is within {{maxOff}} of where it began: what is left is only the markers’ trained rows, which the output head (tied to the embeddings) also reads — trained at a high rate (prompt tuning’s), they learn to claim probability in plain text too, the one mark these methods can leave on the base. Apart from those rows, their forgetting lasts only while they are attached. Full fine-tuning has nothing to switch off: its forgetting is in the weights. The prompt and prefix methods also take {{n}} of the window’s positions while attached.',
    samples: 'Free generation with each method attached',
  },
};
