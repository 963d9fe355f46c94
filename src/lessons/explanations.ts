/**
 * The explanations that sit beside each panel, as plain data (a title and
 * paragraphs), so panels render them and the LoRA panel can train on them:
 * modern prose the Shakespeare model has never seen. Every claim points at
 * something a panel lets the reader do or see; the numbers come from
 * lessons/costs.ts and lessons/measured.ts, and tests/lessons checks the
 * claims against the code that implements them.
 */
import { DEFAULT_FINE_TUNE, LLAMA_7B, activationBytesPerLayer, fineTuneMemory } from './costs.ts';
import { LORA_GPT3_SPEEDUP, MEASURED_SWEEP, WELLECK_2019_SEQ_REP_4 } from './measured.ts';

export interface Explanation {
  id: string;
  title: string;
  paragraphs: string[];
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
const fixed2 = (x: number) => x.toFixed(2);

/** LLaMA-2 7B at the memory calculator's default sequence length, batch 1: the figures the LoRA text quotes. */
const SEVEN_B = (() => {
  const { sequenceLength, batchSize } = DEFAULT_FINE_TUNE;
  const activations = (r: 'none' | 'selective' | 'full') => LLAMA_7B.nLayer * activationBytesPerLayer(LLAMA_7B, sequenceLength, batchSize, r);
  const full = fineTuneMemory(LLAMA_7B, 'full fine-tuning');
  const lora = fineTuneMemory(LLAMA_7B, 'LoRA');
  return {
    sequenceLength,
    stateBytes: full.weights + full.gradients + full.optimizer,
    bytesPerParameter: (full.weights + full.gradients + full.optimizer) / LLAMA_7B.parameters,
    loraTrainable: lora.trainableParameters,
    loraShare: lora.trainableParameters / LLAMA_7B.parameters,
    loraTotal: lora.total,
    none: activations('none'),
    selective: activations('selective'),
    full: activations('full'),
  };
})();

export const REPETITION: Explanation = {
  id: 'repetition',
  title: 'Why language models repeat themselves',
  paragraphs: [
    'A language model does one thing: given the text so far, it gives a probability to every possible next token. Generating text means picking one of those tokens, appending it, and asking again. How the token is picked is the decoding strategy, and it matters as much as the model.',
    'Greedy decoding always takes the most likely token. It sounds safe, but it often falls into a loop: the model writes a phrase, the phrase makes itself more likely, and the text repeats the same words again and again. This is called degeneration, or parroting. Turn the temperature down to zero in the sampling panel and watch the highlighted repeats spread.',
    'The loop feeds itself. Once a phrase has appeared, copying it is an easy way to predict the next token, so the probability of repeating rises with every repetition (Xu et al. 2022 call this self-reinforcement). The small plot under the text shows that probability over the generated positions: in a loop it climbs towards one.',
    'There are several causes. Training text contains repeated passages, and a model learns to copy them (data bias). The training objective, cross-entropy, rewards the model for giving a high probability to the token that actually came next in the training text, one position at a time. It never looks at a whole sequence the model writes itself, so nothing in it penalises a model whose own text repeats; Welleck et al. (2019) add such a penalty, which they call unlikelihood training. A corpus with little variety gives the model few alternatives. And decoding that searches for the most probable text finds repetitive text, because a repeat, once begun, is very probable: greedy decoding falls into loops, and a wider search falls into them more often.',
    `Beam search keeps the few most probable partial sequences instead of one. It finds text with a higher total probability, and that is exactly the trouble: repetitive text is very probable, so more beams find more of it. Welleck et al. (2019) measured seq-rep-4, the share of four-token phrases in a continuation that repeat an earlier one: ${fixed2(WELLECK_2019_SEQ_REP_4.greedy)} for greedy decoding and ${fixed2(WELLECK_2019_SEQ_REP_4.beam10)} for beam search with ten beams, far above what sampling gives. The sweep chart measures the same on the playground's Shakespeare model; with its ${MEASURED_SWEEP.prompts} prompts and ${MEASURED_SWEEP.maxNewTokens} tokens each, greedy decoding scores ${fixed2(MEASURED_SWEEP.seqRep4.greedy)} and beam search with four beams ${fixed2(MEASURED_SWEEP.seqRep4.beam4)}.`,
    'The cures each sit on a control. Sampling adds noise: instead of the top token, draw one at random according to its probability. Temperature divides the scores before the softmax: below one it sharpens the distribution and favours the top tokens, above one it flattens it. Top-k keeps only the k most likely tokens, top-p keeps the smallest set whose probability adds up to p, and min-p keeps tokens at least a fraction of the top probability. These remove the unreliable tail while keeping variety.',
    'Penalties act on the scores directly. The repetition penalty (from the CTRL paper, as Hugging Face implements it) touches every token already in the text, prompt included, once however often it appeared: a positive score is divided by the penalty and a negative one is multiplied by it, so both become less likely; dividing a negative score would raise it. The no-repeat n-gram rule forbids any token that would complete an n-gram that already appears: with size three, no three-token phrase can occur twice. The frequency penalty subtracts its value once for every time a token has been generated, so it grows with the count; the presence penalty subtracts its value once from any token generated at all, however many times. These two count only generated tokens, not the prompt, as OpenAI defines them. After generation, repeated n-grams can also be filtered out.',
    'Autoregressive generation makes all of this natural. A decoder-only model, like the decoder of an encoder–decoder, generates one token at a time from a probability distribution, so every step is a place to sample, filter or penalise. The same model can be run greedily for a deterministic answer or with a high temperature for variety, without retraining.',
  ],
};

export const ATTENTION: Explanation = {
  id: 'attention',
  title: 'Attention: where each token looks',
  paragraphs: [
    'Self-attention lets every token gather information from other tokens. Each token produces a query, a key and a value, all by multiplying its vector with learned matrices. The query of one token is compared with the keys of all tokens by a dot product; the scores are scaled by one over the square root of the head size, so that their spread does not grow with the head size and the softmax does not saturate, and a softmax turns them into weights that add up to one. The token then takes the weighted average of the values.',
    'In a decoder such as GPT or LLaMA a token may only look at itself and earlier tokens. Scores for later tokens are masked before the softmax, so their weights are exactly zero: that is the blank upper triangle of the heatmap. Because of this causal mask, nothing a token computes depends on the tokens after it: generation can append one token at a time and keep the keys and values already computed (the KV cache), and training can predict every position of a sequence in a single pass.',
    'Multi-head attention runs several attention operations side by side, each with its own projections and a smaller head size. One head may follow the previous token, another may look back to the start of a line or to a speaker name. The grid of thumbnails shows every head of every layer at once, and you can see how different they are.',
    'After attention, every token passes through a feed-forward network on its own. In GPT-2 and in this model it is a layer that widens the vector four times, a GELU non-linearity, and a layer that narrows it again. Attention moves information between positions; the feed-forward layer transforms it at each position. Both are wrapped in residual connections, so each block adds to a running stream of vectors, and each starts with layer normalisation, which keeps the numbers in a stable range.',
    'The logit lens reads that running stream after every layer through the final normalisation and the output layer, as if the model stopped there. Early layers give rough guesses; later ones sharpen them into the final prediction.',
    'Attention weights are easy to draw but they are not by themselves an explanation. A large weight says where a head copied information from, not why the model chose its output: values can be small, other heads and the feed-forward layers also matter, and different weight patterns can lead to the same prediction.',
    "Three kinds of model differ in their mask and, just as much, in what they are trained to do. A causal decoder like GPT sees only the past and is trained to predict the next token. A bidirectional encoder like BERT lets every token see every other and is trained as a masked language model: it fills in hidden words from both sides, which suits understanding tasks such as classification. What keeps BERT from writing text is above all that objective: it never learned to predict the token after the end. Its mask adds a cost, since each new token would change every earlier one and nothing could be cached. A prefix language model lets the prompt see itself in both directions and generates the rest causally. GLM trains this way with an objective of its own, blank infilling: spans are cut out of a text, and the model writes them back one token at a time.",
    "Names do not fix the mask. The first ChatGLM-6B kept GLM's prefix mask. ChatGLM2-6B's maintainers say its pre-training kept GLM's objective but its chat model was trained causally, with an empty prefix: a causal model learns from a whole conversation in one pass and can reuse the cached keys and values of earlier turns, where a prefix model must read the history again for every turn. Nor is the mask the only difference between decoders: LLaMA is a causal decoder like GPT-2, but it rotates queries and keys by their position (RoPE) instead of adding a learned position embedding, normalises with RMSNorm instead of LayerNorm, and uses a SwiGLU feed-forward layer instead of GELU.",
    'Most large language models are decoders. Generation is naturally autoregressive, and predicting the next token is exactly the task of writing; every step gives a distribution to sample from, which makes diverse decoding easy. Training is efficient with teacher forcing: one forward pass over a training sequence predicts every next token at once, and its arithmetic is the same as stepping through the sequence token by token with a key-value cache, up to float rounding. That is not a decoder-only advantage, since encoder–decoders such as T5 train their decoders with teacher forcing too. And the same arithmetic is not the same situation: in training the model always reads the true text, while in generation it reads its own earlier tokens, so one poor choice becomes the context for the next. This mismatch is called exposure bias.',
    "Input length is bounded for two reasons. The first is position. GPT-2, like this model, learned a table with one position embedding for each position up to its context window, so a position past it has no embedding at all. LLaMA has no such table: RoPE computes a rotation for any position, so nothing stops the arithmetic, but the model was trained only up to its context length (2,048 tokens for LLaMA, 4,096 for LLaMA-2), and beyond that it works only as well as it extrapolates, which without help is poorly; stretching the rotations (position interpolation) and a short fine-tune on longer text extend it.",
    'The second reason is cost. Attention compares every token with every other, so its time grows with the square of the length. Its memory grows with the square only when the n × n matrix of scores is stored whole, as in a plain implementation and in this playground; FlashAttention computes attention in tiles and never stores that matrix, so its memory grows linearly with the length, although its time is still quadratic. The key-value cache also grows with every token. Long documents are handled by cutting them into chunks that overlap, so that no sentence loses its context at a boundary, or by summarising chunks and then summarising the summaries.',
  ],
};

export const LORA: Explanation = {
  id: 'lora',
  title: 'LoRA: fine-tuning with a low-rank update',
  paragraphs: [
    `Fine-tuning continues training a model on new text so that it writes more like that text. Full fine-tuning updates every weight, and for that it must keep a gradient and two Adam optimizer moments beside each one: with mixed precision, counting the weight and its fp32 master copy, ${SEVEN_B.bytesPerParameter} bytes a parameter, ${Math.round(SEVEN_B.stateBytes / 1e9)} GB for the seven billion parameters of LLaMA-2 7B. The activations kept for the backward pass come on top. For one sequence of ${SEVEN_B.sequenceLength.toLocaleString('en')} tokens they take ${gb(SEVEN_B.none)} if every one is kept, ${gb(SEVEN_B.selective)} if the attention matrices are recomputed or never stored (selective recomputation, FlashAttention), and ${gb(SEVEN_B.full)} if only each layer's input is kept (full recomputation).`,
    `LoRA, low-rank adaptation, freezes the original weights and learns a small update beside each chosen weight matrix. The update is the product of two thin matrices, B times A, with a small rank r. A starts random and B starts at zero, so a fresh adapter changes nothing at all. Only A and B are trained: at rank ${DEFAULT_FINE_TUNE.loraRank} on the query and value matrices of LLaMA-2 7B, as the LoRA paper adapted them, that is ${(SEVEN_B.loraTrainable / 1e6).toFixed(1)} million numbers, ${(100 * SEVEN_B.loraShare).toFixed(2)}% of the model.`,
    'Why should so small an update be enough? The LoRA paper hypothesises that the change fine-tuning needs has a low intrinsic rank, building on the finding that fine-tuning still works when confined to a small random subspace (Aghajanyan et al. 2020); its evidence is that very small ranks adapted GPT-3 about as well as large ones. The singular values in this panel are no evidence for that: B times A passes through r dimensions, so at most r of its singular values are above zero by construction, whatever the task needed. What tests the hypothesis is training with different ranks and comparing the loss, as the rank sweep in notebook 03 does.',
    `LoRA saves memory because the frozen weights need no gradients and no optimizer state. It does not save activations, since the backward pass still runs through every frozen layer: for LLaMA-2 7B at ${SEVEN_B.sequenceLength.toLocaleString('en')} tokens with nothing recomputed, LoRA needs ${gb(SEVEN_B.loraTotal)}, more than a 24 GB GPU holds. The memory calculator shows where the memory goes. Whether LoRA also trains faster depends on the size of the model. It skips the frozen weights' own gradients, about a third of their training arithmetic, and their optimizer updates, but adds small products of its own. In a large model the saving dominates: the LoRA paper reports training GPT-3 175B about ${Math.round(LORA_GPT3_SPEEDUP * 100)}% faster. In a model as small as this one the added work can cost as much as it saves; the comparison runs both methods on the same text and shows their step times.`,
    'Scaling matters: the update is multiplied by alpha divided by r. With rank-stabilised LoRA it is divided by the square root of r instead, which keeps larger ranks from learning too slowly.',
    'After training, the update can be merged into the weights by adding B times A to the original matrix. The merged model is exactly as fast as the original, since there is nothing extra to compute, and the merge can be undone, up to float rounding, by subtracting the same product. An adapter can also be kept separate, switched on and off, and trained further later, starting from where it stopped.',
    'QLoRA goes further. It stores the frozen base model in four bits using the NormalFloat format, whose sixteen levels sit at quantiles of a normal distribution, because trained weights are roughly normal. Double quantisation also compresses the scaling constants, and paged optimizers move optimizer state to CPU memory when the GPU runs short. The adapter itself still trains in higher precision. Quantising the weights leaves the activations as they were; the QLoRA paper keeps them small with gradient checkpointing.',
    'AdaLoRA spends the rank budget where it helps most. It writes each update in a singular value form and prunes the least important singular values during training, so some matrices end with a higher rank and others with a lower one.',
    'Training on new text can make a model worse at what it knew before. This is catastrophic forgetting, and the panel shows it as the loss on the original corpus rising while the loss on the new text falls. Mixing some original text into the new training data is a common remedy. With LoRA, switching the adapter off brings back the original model exactly.',
  ],
};

export const ALL_EXPLANATIONS: Explanation[] = [REPETITION, ATTENTION, LORA];

/** The playground's own prose as one text: the LoRA panel's default new domain. */
export function explanationsAsText(list: Explanation[] = ALL_EXPLANATIONS): string {
  return list.map((e) => `${e.title}\n\n${e.paragraphs.join('\n\n')}\n`).join('\n');
}
