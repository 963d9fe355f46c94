// English messages of the "lessons" namespace: the guided walks (src/walks/catalog.ts).
// A lesson's numbers are never written here: the page measures them live and shows them beside each step.

export default {
  title: 'Lessons',
  intro:
    'Each lesson takes one interview question and answers it on this page. A step sets every control for you (press Go), says what to watch, and shows the number the page measures there. Your progress stays in this browser.',
  list: {
    heading: 'Lessons',
    finished: 'finished',
    notStarted: 'not finished',
    open: 'Start',
    steps_one: '{{count}} step',
    steps_other: '{{count}} steps',
  },
  view: {
    back: 'All lessons',
    question: 'The question',
    steps: 'Walk through it',
    answer: 'A short answer',
    differs: 'This model against large ones',
    finished: 'I have finished this lesson',
    claims: 'What the numbers should show',
  },
  step: {
    label: 'Step {{n}}',
    go: 'Go',
    goHint: 'Sets every control of the page for this step and opens its panel',
    measure: 'Measure',
    measuring: 'Measuring…',
    measured: 'Measured here:',
    needsModel: 'Press Go first: this is measured on the {{model}} model.',
    failed: 'Could not measure: {{message}}',
  },
  claim: {
    greater: 'step {{a}} is above step {{b}}',
    below: 'step {{step}} is below {{bound}}',
    above: 'step {{step}} is above {{bound}}',
    holds: 'holds',
    fails: 'does not hold',
    pending: 'not measured yet',
  },
  measures: {
    seqRep4: 'seq-rep-4 of the continuation',
    teacherForcingMaxDelta: 'largest |Δlogit|, one pass vs step by step',
    kvCacheBytesPerToken: 'KV cache per token, this model',
    futureAttention: 'attention weight on later tokens (mean per row)',
    attentionRowSumError: 'largest |row sum − 1| of the attention weights',
    ablationTokensChanged: 'share of the generated tokens that change',
    tokensPerHan: 'tokens per 汉字',
    contextWindow: 'context window (tokens)',
    chunksWithOverlap: 'windows the text needs (overlap: a quarter)',
    loraMergeMaxDelta: 'largest |Δlogit|, merged vs adapter on top',
    forgettingRise: 'rise of the loss on the original text (nats per token)',
    continuationPerplexity: 'the model’s own perplexity of the text it wrote',
    peftTrainable: 'values the method trains',
    peftNewTextDrop: 'fall of the new text’s validation loss (nats per token)',
    peftOriginalRise: 'rise of the original text’s validation loss (nats per token)',
    peftAdapterOffDelta: 'largest |Δlogit| with the method switched off vs the base',
    costTrainableShare: 'LoRA’s trainable values ÷ full fine-tuning’s',
    costOptimizerBytesLora: 'Adam’s state (m and v), LoRA',
    costOptimizerBytesFull: 'Adam’s state (m and v), full fine-tuning',
    costStepMsLora: 'median time of a training step, LoRA',
    costStepMsFull: 'median time of a training step, full fine-tuning',
    continueLossFirst: 'new text’s validation loss after the first run (nats per token)',
    continueLossSecond: 'new text’s validation loss after continuing (nats per token)',
    continueSteps: 'steps the adapter has trained, both runs',
    peftSavedShare: 'values in the saved adapter ÷ values trained',
    'memory:full': 'full fine-tuning of a 7B model',
    'memory:lora': 'LoRA on a 7B model',
    'memory:qlora': 'QLoRA on a 7B model',
    kvCache7BPerToken: 'KV cache per token, LLaMA-2 7B in bf16',
    attentionGrowthOnDoubling: 'attention scores stored when the input doubles',
    sftCountedShare: 'share of the dialogue’s tokens the answers-only loss counts',
    sftAnswerLossAll: 'held-out answer loss after loss on all tokens (nats per token)',
    sftAnswerLossAnswers: 'held-out answer loss after loss on answers only (nats per token)',
    sftOriginalRiseAll: 'rise of the original text’s loss, loss on all tokens (nats per token)',
    sftOriginalRiseAnswers: 'rise of the original text’s loss, answers only (nats per token)',
    sftOriginalRiseMixed: 'rise of the original text’s loss, answers only with original text mixed in (nats per token)',
    sftEndShareBase: 'share of held-out answers that end with <|end|>, before SFT',
    sftEndShareAnswers: 'share of held-out answers that end with <|end|>, after answers-only SFT',
    vocabTokensPerHanBase: 'tokens per 汉字 of the held-out Tang text, base tokenizer',
    vocabTokensPerHanExpanded: 'tokens per 汉字 of the held-out Tang text, expanded tokenizer',
    vocabHanPerWindowBase: '汉字 in one context window, base tokenizer',
    vocabHanPerWindowExpanded: '汉字 in one context window, expanded tokenizer',
    longTextLossNoOverlap: 'mean loss per token, windows side by side (nats)',
    longTextLossOverlap: 'mean loss per token over the same tokens, windows overlapping (nats)',
  },
  units: {
    times: '× {{value}}',
    timesAfter: '{{value}} ×',
  },
  lessons: {
    decoderOnly: {
      title: 'Why are most large models decoder-only?',
      question: 'Why do most of today’s large language models use a decoder-only architecture?',
      s1: 'The Attention panel opens on its Masks view with eight generated tokens. The page runs the whole sequence through once, as training does (teacher forcing), and again token by token with a KV cache, as generation does. Watch how far apart the two sets of logits are.',
      s2: 'Stepping through the text kept a key and a value per layer for every token: that is the KV cache. With the causal mask, earlier tokens never change, so the cache is simply reused at the next step.',
      s3: 'The Sampling panel samples at temperature 0.8. The same model, with no change, writes varied text: the decoding strategy, not the architecture, sets how diverse it is.',
      answer:
        'A decoder-only model is trained on one objective, predicting the next token, over any raw text, and it generates with exactly that step. Because of the causal mask, one forward pass trains every position of a sequence at once and gives the same numbers as generating token by token; earlier tokens never change, so a KV cache makes generation cheap. The same model is then steered by prompts and decoding (greedy, sampling, temperature) without new heads. Encoder–decoders such as T5 share the teacher forcing and can be as good at a given size; the usual reasons given for decoder-only are the simplicity of one stack, cheap caching, and how well zero-shot and in-context abilities scale with it.',
      differs:
        'This model is a 4-layer, 128-wide GPT-2 trained for minutes; it has no instruction tuning and its context holds 128 tokens. The arithmetic (causal mask, cache, identical logits) is the same at any size; the abilities that come with scale are not visible here.',
    },
    architecture: {
      title: 'What is inside a large language model?',
      question: 'Describe the architecture of a large language model: self-attention, multi-head attention, the feed-forward network.',
      s1: 'The Attention panel’s heatmap: one head of one layer, a row per query token. Each row is a softmax over the tokens it may see, so it adds up to one; the number is how far any row strays from that.',
      s2: 'The grid shows every head of every layer at once. Each head has its own query, key and value matrices and its own habit: some look at the previous token, some at the first, some spread out. Under the causal mask none of them reaches a later token.',
      s3: 'Switch off one head (layer 0, head 0) and write the same greedy text again. The number is the share of tokens that change. Greedy text is a chain: once one token differs, everything after it takes another path, so the number mostly says how soon the first change comes.',
      s4: 'Switch off all four heads of layer 0. The feed-forward network and the later layers still run, but the text changes sooner.',
      answer:
        'A GPT-style model embeds tokens and positions, then stacks identical blocks, each two residual steps: x + attention(LayerNorm(x)), then x + FFN(LayerNorm(x)). Self-attention lets each token take a weighted average of the values of the tokens it may see, the weights a softmax of scaled query–key dot products. Multi-head attention runs several such heads side by side on slices of the width, each free to attend to different things, and concatenates them through an output projection. The feed-forward network, two linear layers with a nonlinearity (GELU; SwiGLU in LLaMA) at four times the width, works on each token alone and holds about two thirds of a block’s parameters. A final LayerNorm and the output layer give the next-token logits. Pre-training on raw text and fine-tuning on task data follow.',
      differs:
        'This model has 4 layers of 4 heads; large models have dozens of layers of dozens of heads, RoPE instead of learned positions, RMSNorm, SwiGLU, and often grouped-query attention. One head matters less there, since many others can take over.',
    },
    masks: {
      title: 'Prefix LM or causal LM: what differs?',
      question: 'What is the difference between a prefix LM and a causal LM — and between BERT, GPT and GLM?',
      s1: 'Causal mask (GPT, LLaMA): each token sees itself and the tokens before it. The number is the share of attention that lands on later tokens.',
      s2: 'Prefix mask (GLM, the first ChatGLM-6B): the prompt is the prefix, and its tokens see one another in both directions; generated tokens still see only the past. Some weight now reaches later tokens — inside the prompt only.',
      s3: 'Bidirectional mask (BERT): every token sees every other. Much more weight falls on later tokens.',
      s4: 'Whatever the mask, each row of weights is a softmax: it adds up to one. This measures how far any row is from that.',
      answer:
        'They differ in the attention mask and in what they are trained to predict. A causal LM (GPT, LLaMA) masks all later tokens and is trained to predict the next token everywhere. A prefix LM lets the input part attend both ways and keeps the output causal, so it reads the prompt like an encoder and writes like a decoder; GLM trains it with blank infilling. BERT attends both ways everywhere and is trained as a masked language model, which makes it strong for understanding tasks (classification, entity tagging) but unable to generate text step by step. Choose BERT-like encoders for understanding a text (classification, tagging, embeddings for search), where a small fine-tuned encoder is cheap and strong; decoder models for generating. Among those, LLaMA is a causal decoder trained mostly on English and other Latin-script text, a good base for English generation or for adapting (with vocabulary expansion for Chinese); ChatGLM is a prefix decoder trained on Chinese and English about equally and tuned for dialogue, a natural pick for Chinese chat. Data, compute and licence decide the rest.',
      differs:
        'This model was trained causally only: under the prefix and bidirectional masks it reads weights it never learned to use, so its predictions there get worse. A real prefix LM is trained with its mask.',
    },
    parroting: {
      title: 'The parroting problem (复读机)',
      question: 'What is the LLM parroting problem, why does it happen, and how can it be eased?',
      s1: 'Greedy decoding always takes the most likely token. Watch the highlighted repeats: the text falls into a loop.',
      s2: 'Sampling from the top 90 % of the probability mass (top_p 0.9), same prompt and seed. The repeats almost vanish.',
      s3: 'Back to greedy, but no_repeat_ngram_size 3 forbids any three-token phrase from occurring twice: no four-token phrase can repeat either.',
      s4: 'Contrastive search (penalty_alpha 0.6, top_k 4) stays deterministic but penalises candidates too similar to what was already written.',
      answer:
        'Parroting is a model repeating words, phrases or whole sentences in a loop. Causes: repeated passages in the training data; an objective (cross-entropy on the next token) that never penalises the model for repeating its own output; little variety in the data; and decoding that looks for the most probable text, since a repeat, once begun, becomes ever more probable (self-reinforcement). Cures: sampling with temperature, top-k or top-p; repetition_penalty, no_repeat_ngram_size, frequency and presence penalties; contrastive search; at training time, more diverse data and unlikelihood training; and filtering the output afterwards.',
      differs:
        'A small model repeats more readily than a large one, and beam search repeats even more than greedy on both. The published figures for GPT-2-size models show the same order: greedy far above sampling.',
    },
    inputLength: {
      title: 'Can the input be infinitely long?',
      question: 'Can an LLM’s input be infinitely long in theory — and how do you make a model handle longer text?',
      s1: 'A long passage goes into the prompt box. The model has a fixed window: it learned position embeddings for only so many positions, and the box cuts the prompt to its last window.',
      s2: 'Every token kept in the window costs a key and a value per layer in the KV cache — memory that grows linearly with the length.',
      s3: 'The same arithmetic for LLaMA-2 7B in bf16 (32 layers, 32 heads of 128): per token of context.',
      s4: 'Attention compares every token with every other: a plain implementation stores n × n scores per head. Doubling the input multiplies them by this.',
      s5: 'The usual way around the window: cut the text into windows that overlap, so each token keeps some context before it, and process them one by one. The number is how many windows this passage needs.',
      s6: 'Scored: a held-out passage nearly seven windows long goes into the prompt, and the Attention panel’s “Long inputs” part reads it window by window with the windows side by side. The number is the model’s mean loss per token on it (cross-entropy, nats).',
      s7: 'The same tokens, read in windows that overlap by a quarter, each token scored once in the window where it has the most context before it (Hugging Face’s strided evaluation). Right after a cut, a side-by-side window predicts from nothing; with overlap those tokens keep 32 tokens of context, and the loss is lower.',
      answer:
        'Not in practice. Attention itself has no length limit, but a model only knows positions it was trained on (GPT-2 learned a table of 1,024; RoPE models generalise poorly far past their training length without interpolation), attention time grows with n² and its memory too unless FlashAttention avoids storing the matrix, and the KV cache grows linearly with n. Longer text is handled by chunking with overlap (scored, overlap pays: tokens right after a cut have no context and cost more; overlap buys them context at the price of reading the overlap twice), hierarchical processing (summarise chunks, then the summaries), retrieval of the relevant parts, position interpolation or extrapolation (ALiBi, RoPE scaling), and efficient attention (FlashAttention, sliding windows).',
      differs:
        'This model’s window is tiny, so the limit shows at once. Large models have windows of thousands to millions of tokens, but the same three costs set how far they go.',
    },
    vocabulary: {
      title: 'Is vocabulary expansion necessary for Chinese?',
      question: 'Is expanding the vocabulary necessary for a domain or language model — for Chinese, say?',
      s1: 'A line of Tang verse in the Shakespeare model’s byte-level BPE. Its vocabulary was fitted on English, so each 汉字 is spelled in UTF-8 bytes.',
      s2: 'The same line in the Tang poetry model, whose tokenizer has one token per character.',
      s3: 'Back to the Shakespeare model, in the LoRA panel’s vocabulary expansion (词表扩增): the held-out part of the Tang poems, cut by the model’s own byte-level BPE. Tokens per 汉字.',
      s4: 'The 500 most frequent 汉字 of the training part become tokens (vocab_k 500: each a merge of its UTF-8 bytes, with a new embedding row starting at the mean of the rows of those bytes). The same text, tokens per 汉字 now — before any training.',
      s5: 'How many 汉字 of that text fit the model’s 128-token window with the base tokenizer…',
      s6: '…and with the expanded one: the same window holds more Chinese. Continued pre-training (vocab_steps) then teaches the new rows; the section shows the loss per character fall.',
      answer:
        'Often yes for a language the tokenizer was not fitted on. A byte-level BPE fitted on English spends about three tokens per 汉字, so the same window holds about a third as much Chinese, generation takes three steps per character, and training sees each character split into bytes that mean nothing alone. Adding Chinese tokens (as Chinese-LLaMA did) and continuing pre-training so their embeddings are learned fixes this; the cost is new, untrained embeddings and a larger output layer. A model whose tokenizer already covers the language well does not need it.',
      differs:
        'Large multilingual tokenizers already hold many 汉字 and frequent words, so their figure sits between these two. The Tang model is a character model: one token per character, exactly. Chinese-LLaMA added about 20,000 Chinese tokens and trained on tens of gigabytes of text; here 500 characters and a few steps show the tokenizer’s side of it only.',
    },
    lora: {
      title: 'LoRA: the idea, merging, and memory',
      question: 'What is LoRA? Can its weights be merged into the base model? How much memory does fine-tuning take, and what does QLoRA save?',
      s1: 'The LoRA panel trains a small adapter (rank 4) for a few steps, then merges it: W ← W + B·A·α/r. The number compares the merged model with the adapter on top of the base.',
      s2: 'Full fine-tuning of a 7B model: bf16 weights and gradients, Adam’s two moments and an fp32 master copy, plus activations for a 2,048-token sequence.',
      s3: 'LoRA (rank 8 on two matrices a layer): the base is frozen, so only the adapter has gradients and optimizer state.',
      s4: 'QLoRA: the frozen base stored in 4-bit NF4, with the adapter trained over it. Most of what is left is activations: the memory calculator on this panel shows them shrink with gradient checkpointing.',
      answer:
        'LoRA freezes a weight matrix W and learns its update as a product of two small matrices, ΔW = B·A·α/r, with A of shape r × in and B of shape out × r, B starting at zero so training starts from the base model. Only A and B train, a tiny share of the parameters, so gradients and optimizer state shrink and a single base can serve many adapters. Yes, the weights merge: adding B·A·α/r into W gives the same outputs with no extra cost at inference, and subtracting it gets the base back. Full fine-tuning with Adam needs about 16 bytes per parameter before activations; LoRA removes most of that; QLoRA also stores the frozen base in 4-bit, so a 7B model fine-tunes on one 24 GB GPU if activations are kept small.',
      differs:
        'Here the whole model fits in a few megabytes, so the memory numbers come from the formulas for LLaMA-2 7B, not from this page. Merging is exact arithmetic at any size.',
    },
    loraCost: {
      title: 'Why does LoRA train cheaper — and is it faster?',
      question: 'What are LoRA’s advantages, and why does it speed up training?',
      s1: 'The LoRA panel’s comparison trains LoRA (rank 4 on the attention matrices) and full fine-tuning from the same start, on the same text, batches and seed, for 4 steps. The number is how much of the model LoRA trains: its trainable values as a share of all of them.',
      s2: 'Adam keeps two moments, m and v, in fp32 for every value it trains: 8 bytes each. With LoRA that is A and B only.',
      s3: 'Full fine-tuning keeps them for every weight: the share of step 1, turned into memory. The frozen weights of LoRA also need no gradient buffers.',
      s4: 'The median time of one LoRA training step, measured on your machine (it varies from run to run; no claim is made about it).',
      s5: 'The same for full fine-tuning. Compare it with step 4: the backward pass still runs through every layer to reach the adapters, so a LoRA step is not many times faster — what it drops is the gradients of the frozen weights and Adam’s update over all of them.',
      answer:
        'LoRA learns a low-rank update B·A beside frozen weights, so it trains a small share of the parameters (here about one percent; well under one percent for large models). Advantages: memory — no gradients, no optimizer state and no fp32 master copy for the frozen weights — together about 14 of the ~16 bytes per parameter that full fine-tuning with Adam needs — so a 7B model fits on one GPU (QLoRA also stores the frozen weights in 4 bits); storage and serving — an adapter is megabytes, one base serves many tasks, and switching task means switching A and B; no latency at inference once merged; and it forgets less than full fine-tuning. Why it trains faster: not because each step computes much less — the forward and backward passes still cross the whole network, and only the weight gradients of the frozen matrices are skipped (about a third of the compute) — but because the memory it frees allows larger batches on fewer GPUs, with no optimizer states to shard or synchronise. The LoRA paper reports GPT-3 175B’s training memory falling from 1.2 TB to 350 GB and a step about 25 % faster.',
      differs:
        'This model has under a million parameters: Adam’s state is megabytes either way and a step takes milliseconds, so step times here are mostly overheads of the browser’s backend, not the arithmetic that dominates a 7B model. The share and the bytes scale exactly; the LoRA lesson gives the memory figures for 7B.',
    },
    continueLora: {
      title: 'Continuing training on an existing LoRA adapter',
      question: 'How do you continue training on top of a LoRA adapter you already have?',
      s1: 'The LoRA panel trains a new adapter (rank 4) on its new text for 8 steps. The number is the new text’s validation loss when it stops.',
      s2: '“Continue training” on the same adapter: its own rank, α and modules hold (a saved adapter fixes its config), and A and B go on from where they stopped for 8 more steps. The loss falls further from there, not from the base model’s.',
      s3: 'The adapter’s step count afterwards: the runs add up, and the panel draws its history as one curve across both.',
      answer:
        'Load the adapter onto the same base model as trainable — in PEFT, PeftModel.from_pretrained(base, path, is_trainable=True); loaded adapters are frozen for inference by default — and train on. r, α and the target modules come from the saved adapter_config.json and cannot change. Use the base and chat template it was trained with. For an exact resume, restore the optimizer, scheduler and step from a Trainer checkpoint (resume_from_checkpoint); from the adapter files alone Adam’s moments start again from zero, so warm up and keep the learning rate no higher than before. To add a new task without losing the old one, mix the old data in, or merge the first adapter into the weights (merge_and_unload) and train a new adapter on top, or keep one adapter per task and switch.',
      differs:
        'Here, as with adapter files, the continued run starts Adam and its warmup afresh; only A and B carry over. The mechanics are the same at any size.',
    },
    domain: {
      title: 'Domain models: continued pre-training, where knowledge enters, one model per domain?',
      question: 'Which stage injects knowledge, pre-training or fine-tuning? How do you continue pre-training for a domain and build its evaluation sets — and does every domain need its own large model?',
      s1: 'The LoRA panel’s comparison trains a LoRA adapter on raw text of a new domain (modern English prose, for the Shakespeare model) with the plain next-token loss on every token: continued pre-training, not instruction tuning. The number is how far the loss fell on held-out text of that domain — the domain evaluation set.',
      s2: 'The same run, scored on held-out text of what the model knew before (Shakespeare): the general evaluation set. Its loss rose. Only a general set shows this cost; a domain set alone would call the run a success.',
      s3: 'What the domain costs to keep: the values of its adapter, a small share of the model.',
      s4: 'The adapter switched off: the model is exactly the base again. One base can serve many domains, an adapter switched on per request.',
      answer:
        'Knowledge enters mainly in pre-training: next-token prediction over large amounts of raw text is where facts and a domain’s language get into the weights. SFT mostly teaches format, style and following instructions; it adds little knowledge, and tuning a model on facts it does not know tends to teach it to invent answers. So to give a model a domain’s knowledge, continue pre-training on domain text (books, papers, manuals, cleaned and deduplicated), mixed with general text to hold forgetting back, then run SFT on domain instructions mixed with general ones. Evaluate with two held-out sets: a domain set (domain-text loss, and questions drawn from real tasks, checked by experts, in multiple-choice form where possible so scoring is automatic) and a general set (benchmarks or general text) to catch forgetting. Not every domain needs its own model: a strong general model with retrieval and good prompts covers many; where terminology, private knowledge or style matter, a domain model pays, often as adapters on one shared base rather than separate full models.',
      differs:
        'Here the “domain” is a few pages of prose and the run is seconds of LoRA, so the domain loss falls and the general loss rises at once. Real continued pre-training runs on billions of tokens, usually with every weight trained: a low-rank adapter takes up new style more readily than new knowledge (Biderman et al. 2024: “LoRA learns less and forgets less”).',
    },
    forgetting: {
      title: 'Catastrophic forgetting',
      question: 'Why does a fine-tuned model lose abilities it had (catastrophic forgetting), and how can it be eased?',
      s1: 'The LoRA panel adapts the Shakespeare model to modern English prose with a high learning rate and no original text mixed in. The number is how much worse it gets at the text it was trained on first.',
      s2: 'The same run with half of every batch drawn from the original text (lora_mix 0.5, “replay”). The loss on the original text rises less.',
      answer:
        'Fine-tuning moves the weights towards the new data with nothing holding them to the old, so what the model knew is overwritten, the more so with high learning rates, many steps and narrow data. It is eased by mixing general data into the fine-tuning data (replay), lower learning rates and fewer steps, parameter-efficient methods such as LoRA that change little of the model (though they forget too), regularisation towards the old weights (EWC, KL to the base model), and evaluating on general benchmarks as well as the domain ones.',
      differs:
        'The effect is the same at any size; large models have more to lose, and their fine-tuning data is usually mixed with general instruction data for this reason.',
    },
    sft: {
      title: 'SFT: data formats, the loss mask, and “SFT made it dumber”',
      question: 'How is SFT (instruction-tuning) data built and formatted, multi-turn included? Which tokens does the loss count? Why does a model seem dumber after SFT — and should SFT start from the Chat or the Base model?',
      s1: 'The LoRA panel’s SFT section writes each conversation in a chat template (Phi-3’s: <|user|>, <|assistant|> and <|end|> become new special tokens with new embedding rows) and shows a two-turn dialogue token by token. With the loss on the answers only, the labels are −100 on the questions, the role markers and the newlines. The number is the share of the dialogue’s tokens the loss still counts.',
      s2: 'Three runs start from the same copy of the model with the same conversations, steps and seed. The first counts the loss on every token, questions and markers included. The number is its loss on the answers of held-out conversations.',
      s3: 'The second counts only the answers and each answer’s <|end|> (what TRL’s completion-only collator and assistant_only_loss do). Every step now goes to the answers, and their held-out loss ends lower.',
      s4: '“SFT made it dumber”: the model’s loss on its original text (held-out Shakespeare) after the all-tokens run, minus before. It rose — the conversations pulled the weights away from what the model knew.',
      s5: 'The same after the answers-only run: masking the questions does not protect the original ability.',
      s6: 'The third run trains on answers only too, but a quarter of every batch’s rows is original text (replay). The original loss hardly moves.',
      s7: 'Chat or Base: the base model, with the new markers but no SFT, answering held-out questions greedily. The number is the share of its answers that stop with <|end|>. A base model has never seen the template, so it does not know where a turn ends.',
      s8: 'After answers-only SFT: the turns end. SFT teaches the format and the role of each turn quickly — far more quickly than it teaches facts.',
      answer:
        'SFT data are instruction–answer pairs (Alpaca’s instruction/input/output) or conversations as lists of {role, content} messages, rendered by the model’s chat template with role markers as special tokens; what matters most is quality and diversity, not size (LIMA: 1,000 careful examples), deduplicated and covering the tasks wanted, in exactly the template used at inference. Multi-turn dialogues are trained as one example, the loss counted on every assistant turn, not only the last, and cut at turn boundaries when too long. The loss usually counts the answers only (labels −100 on system and user text and the markers): the model should learn to answer, not to write questions, and every gradient goes to the answers. A model “gets dumber” after SFT through catastrophic forgetting: narrow, short, templated data, a high learning rate and several epochs pull the weights away from pre-training, and the alignment to a style costs some general ability. Mixing in general or pre-training data, lower rates and fewer epochs, LoRA, and diverse instructions ease it. Start from the Base model when there is plenty of data or a new format or domain (nothing to unlearn); from the Chat model when data are few and its conversational skill should be kept — in its own chat template. Knowledge comes mostly from pre-training; SFT mostly teaches format and behaviour.',
      differs:
        'Here a 1M-parameter model trains for 30 steps on a few dozen conversations: its answers hardly become right, but the template, the mask and the forgetting show at once. Large models forget less per step and are tuned with general instruction data mixed in; whether answers-only beats all tokens depends on the data — with long prompts and short answers it matters most, and some papers find all-tokens loss as good.',
    },
    evaluation: {
      title: 'Evaluation: what perplexity and repetition measures say, and miss',
      question: 'How are language models evaluated, and what does each measure miss?',
      s1: 'The Sampling panel continues the prompt greedily for 80 tokens. The number is the perplexity the model itself gives that text: e to the mean −log p of each token it chose. Low means the model finds the text likely.',
      s2: 'The same greedy text, measured for repetition: seq-rep-4, the share of its 4-grams that repeat an earlier one.',
      s3: 'Pure sampling at temperature 1 from the same prompt: its text is a fair draw from the model, so its perplexity is what the model’s uncertainty really is.',
      s4: 'The sampled text’s seq-rep-4.',
      answer:
        'Held-out loss (cross-entropy per token, nats) and its exponential, perplexity, say how well a model predicts text it did not train on — the LoRA panel’s validation curves are exactly this — and they compare models only on the same text and tokenizer (per character when tokenizers differ). They say nothing about the text a model writes: greedy text is the likeliest the model can find, so its perplexity is far below a sample’s, yet it is the text that loops. Repetition measures (seq-rep-n, distinct-n) catch loops but not nonsense; neither says whether an answer is true, helpful or safe. So large models are evaluated on benchmarks of tasks (MMLU, C-Eval, GSM8K), by human or model judges comparing answers, and on held-out sets of the target domain, with loss and repetition kept as cheap checks during training.',
      differs:
        'The gap between the likeliest text and good text is Holtzman et al.’s observation on GPT-2 Large too (greedy and beam text is far less perplexing to the model than human text, and repeats). A small model shows it more starkly; benchmarks need a model that can answer questions, which this one cannot.',
    },
    promptLearning: {
      title: 'Prompt learning: prompt tuning, P-tuning, P-tuning v2; and AdaLoRA',
      question: 'Why prompt learning? What are prompt tuning, P-tuning and P-tuning v2 (prefix tuning), what does each cost — and what is AdaLoRA’s idea?',
      s1: 'The LoRA panel’s comparison with prompt tuning alone: 8 virtual token embeddings are put in front of every input and trained; every weight of the model stays frozen. The number is how many values train.',
      s2: 'Prefix tuning (P-tuning v2): instead of input embeddings, a trained key and value for the same 8 positions in every layer, which every query can attend to. More values, and they act at every depth.',
      s3: 'LoRA on the attention matrices, for scale: r × (in + out) per adapted matrix.',
      s4: 'Prompt tuning trained for 8 steps on the new text, at the rate PEFT’s examples use for it (3·10⁻²): the validation loss falls, though the model itself never changed.',
      s5: 'The same run, the prompt switched off: the model is the base exactly. Nothing was written into its weights, so one frozen model can serve many tasks, each with its own few thousand values.',
      s6: 'AdaLoRA starts at rank 1.5 × r, scores every singular value by how much the loss depends on it, and prunes down to LoRA’s budget; the saved file keeps only what survived.',
      answer:
        'Prompt learning adapts a frozen model by learning a few continuous “virtual tokens” instead of its weights. Prompt tuning (Lester et al. 2021) learns input embeddings only; it is tiny and works well for very large models, less so for small ones. P-tuning (Liu et al. 2021) produces those embeddings with a small MLP or LSTM encoder, so that they are learned together rather than each on its own. Prefix tuning (Li & Liang 2021) and P-tuning v2 (Liu et al. 2022) put trained keys and values in every layer, so the prompt acts at every depth and matches fine-tuning across model sizes, at the cost of n × layers × 2 × d values and n positions of the window. All of them leave the model untouched: switch them off and the base is back. AdaLoRA (Zhang et al. 2023) keeps LoRA’s low-rank update but writes it as P·Λ·Q and gives more rank to the matrices that matter, pruning the least important singular values as training goes.',
      differs:
        'Prompt tuning is known to need large models: Lester et al. report it catching up with full fine-tuning only near 10B parameters. On this 1M-parameter model, run the comparison with LoRA and prompt tuning together and see where each loss ends. The counts and the exact switch-off hold at any size.',
    },
  },
  beyond: {
    heading: 'Beyond this playground',
    intro: 'These questions of the syllabus need systems this page does not have; a short note each, and no pretend demonstration.',
    retrieval: 'Document chat with a vector store: embed chunks of documents, retrieve the nearest to a question, and put them in the prompt. This page has no embedding model or vector index; the chunking lesson is the only part it shows.',
    langchain: 'LangChain: a library of components (models, prompts, chains, agents, memory, retrievers) for building applications around LLMs. Nothing here uses it.',
    rlhf: 'RLHF: a reward model trained on human preferences, then the model tuned against it (PPO), or directly from preference pairs (DPO). Training here is plain next-token prediction; the LoRA panel’s memory calculator shows what PPO’s four models and DPO’s two take on a GPU.',
    hallucination: 'Hallucination: fluent text that is not true. Eased by retrieval, citing sources, and training the model to say when it does not know; a model this small has too little knowledge to show it meaningfully.',
    families: 'The main open model families: causal decoders (LLaMA, Qwen, Mistral, Baichuan), GLM’s prefix decoder (ChatGLM), encoders (BERT) and encoder–decoders (T5). The page holds small GPT-2 models only; the masks lesson shows what sets the three attention patterns apart.',
    emergence: 'Emergent abilities: skills that seem to appear suddenly past some scale (multi-step arithmetic, in-context learning). Part of the suddenness comes from all-or-nothing metrics (Schaeffer et al. 2023); the loss itself falls smoothly. A one-million-parameter model cannot show them.',
    honesty: 'Honesty, “knowing what it knows”: calibration of the model’s confidence, answers of “I don’t know” trained in (SFT and RLHF on questions outside its knowledge), and retrieval. A model this small knows too little to test it.',
    evaluation: 'Evaluating large models: benchmarks (MMLU, C-Eval), human or model-judged comparisons, and domain test sets. The page measures only loss, perplexity and repetition.',
  },
};
