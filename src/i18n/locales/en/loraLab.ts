// English messages of the "loraLab" namespace: the LoRA panel's repetition
// experiments (causes of repetition that live in training) and the training
// objective setting.
export default {
  objective: {
    label: 'Training objective',
    mle: 'maximum likelihood (MLE)',
    unlikelihood: 'unlikelihood',
    alpha: 'Unlikelihood weight · lora_ul_alpha',
  },
  title: 'Repetition experiments: causes that live in training',
  intro:
    'Each experiment trains two fresh adapters with the settings above — {{steps}} steps, learning rate {{rate}}, seed {{seed}} — that differ in one thing, then continues {{prompts}} fixed beginnings of the held-out text greedily ({{tokens}} new tokens each), with the base model and with each adapter. The adapters are dropped afterwards; yours stay as they are.',
  ul: {
    title: 'The objective: unlikelihood training',
    text:
      'Maximum likelihood only raises the probability of the right next token; nothing in it makes a token already in the text less likely. Unlikelihood training (Welleck et al. 2019) adds, at every position, −log(1 − p) for each distinct earlier token of the context other than the right one, weighted by α = {{alpha}}. The paper reports less repetitive greedy text at almost the same perplexity. The term is only as strong as the probability already on earlier tokens (the “context mass” column): a small model puts little there, so α = 1 pulls gently; raise α to see a stronger pull, and what it costs in validation loss.',
    run: 'Likelihood vs unlikelihood',
  },
  bias: {
    title: 'The data: bias and too little diversity',
    text:
      'The same text twice: once biased, with {{passages}} of its sentences each followed by {{copies}} copies of itself (repetition in the data, as in scraped pages), and once deduplicated, every sentence once. Language models trained on repetitive data repeat more (Li et al. 2023), and deduplication is the standard cure (Lee et al. 2022); whether a short adapter run shows it is what the table measures: in greedy text on new beginnings, and in how likely each duplicated sentence is to follow itself.',
    run: 'Biased vs deduplicated data',
    measured: 'Copies make up {{share}} of the biased text ({{biased}} tokens); deduplication removed {{removed}} of them ({{dedup}} tokens left).',
  },
  stop: 'Stop',
  progressLabel: 'Repetition experiment',
  starting: 'Starting…',
  measuringBase: 'Measuring the base model…',
  progress: 'Training the {{arm}}: step {{step}} of {{planned}} · loss {{loss}}',
  measuring: 'Decoding greedily with the {{arm}}…',
  stopped: 'Stopped.',
  arms: {
    base: 'base model (no adapter)',
    mle: 'MLE adapter',
    unlikelihood: 'unlikelihood adapter (α = {{alpha}})',
    biased: 'adapter on biased data',
    deduplicated: 'adapter on deduplicated data',
  },
  columns: {
    model: 'Model',
    seqRep4: 'greedy seq-rep-4',
    pRepeat: 'P(repeat)',
    contextMass: 'context mass',
    passageRepeat: 'P(passage again)',
    newText: 'validation loss, new text',
    original: 'loss, original corpus',
  },
  columnNote:
    'seq-rep-4: share of repeated 4-grams in each greedy continuation. P(repeat): the probability the model itself gave, at each greedy step, to tokens that would repeat a 3-gram. Context mass: on the held-out text, the probability put on earlier tokens of the context other than the right next one — what unlikelihood training pushes down. Validation loss: cross-entropy in nats per token on the held-out text, the same windows for every row. All averaged over the prompts.',
  summaryUl:
    'Measured here: greedy seq-rep-4 {{mle}} after likelihood, {{ul}} after unlikelihood; P(repeat) {{mleP}} and {{ulP}}; context mass {{mleC}} and {{ulC}}; validation loss {{mleLoss}} and {{ulLoss}}.',
  summaryBias:
    'Measured here: greedy seq-rep-4 {{biased}} after the biased text, {{dedup}} after the deduplicated one; P(repeat) {{biasedP}} and {{dedupP}}; validation loss {{biasedLoss}} and {{dedupLoss}}.',
  passageNote:
    'P(passage again): each duplicated sentence written twice in a row, and the mean probability the model gives the tokens of the second copy — how strongly it has learned that this passage is followed by itself, which is what copies back to back teach (“repetition in, repetition out”). The deduplicated data shows each of these sentences once, as the original text does.',
  summaryPassage: 'P(passage again) {{biased}} after the biased text, {{dedup}} after the deduplicated one.',
  noise:
    'One short run of a small model, on a few prompts: a difference of a few hundredths can be chance. Change the seed (it is in the link) and run again to see how far the numbers move.',
  continuations: 'Greedy continuations of the first beginning',
  prompt: 'Beginning: {{prompt}}',
};
