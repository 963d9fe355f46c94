/**
 * The explanations that sit beside each panel, as plain data (a title and
 * paragraphs), so panels render them and the LoRA panel can train on them:
 * modern prose the Shakespeare model has never seen. Every claim points at
 * something a panel lets the reader do or see.
 */
export interface Explanation {
  id: string;
  title: string;
  paragraphs: string[];
}

export const REPETITION: Explanation = {
  id: 'repetition',
  title: 'Why language models repeat themselves',
  paragraphs: [
    'A language model does one thing: given the text so far, it gives a probability to every possible next token. Generating text means picking one of those tokens, appending it, and asking again. How the token is picked is the decoding strategy, and it matters as much as the model.',
    'Greedy decoding always takes the most likely token. It sounds safe, but it often falls into a loop: the model writes a phrase, the phrase makes itself more likely, and the text repeats the same words again and again. This is called degeneration, or parroting. Turn the temperature down to zero in the sampling panel and watch the highlighted repeats spread.',
    'The loop feeds itself. Once a phrase has appeared, copying it is an easy way to predict the next token, so the probability of repeating rises with every repetition. The small plot under the text shows that probability over the generated positions: in a loop it climbs towards one.',
    'There are several causes. Training text contains repeated passages, and a model learns to copy them (data bias). The training objective only rewards the likeliest next token, one step at a time, and says nothing about the whole sequence. A corpus with little variety gives the model few alternatives. A small model, a short context and a greedy or narrow beam setting all make loops more likely.',
    'Beam search keeps the few most probable partial sequences instead of one. It finds text with a higher total probability, and that is exactly the trouble: repetitive text is very probable. Published measurements on large models found that greedy and beam search repeat four-grams far more often than sampling does. The sweep chart lets you measure the same thing on this small model.',
    'The cures each sit on a control. Sampling adds noise: instead of the top token, draw one at random according to its probability. Temperature divides the scores before the softmax: below one it sharpens the distribution and favours the top tokens, above one it flattens it. Top-k keeps only the k most likely tokens, top-p keeps the smallest set whose probability adds up to p, and min-p keeps tokens at least a fraction of the top probability. These remove the unreliable tail while keeping variety.',
    'Penalties act on the scores directly. The repetition penalty divides the score of every token already in the text, prompt included, so that seen tokens become less likely. The no-repeat n-gram rule forbids any token that would complete an n-gram that already appears: with size three, no three-token phrase can occur twice. Frequency and presence penalties subtract from tokens in proportion to how often they were generated. After generation, repeated n-grams can also be filtered out.',
    'Decoder-only models make all of this natural. Because they generate one token at a time from a probability distribution, every step is a place to sample, filter or penalise. The same model can be run greedily for a deterministic answer or with a high temperature for variety, without retraining.',
  ],
};

export const ATTENTION: Explanation = {
  id: 'attention',
  title: 'Attention: where each token looks',
  paragraphs: [
    'Self-attention lets every token gather information from other tokens. Each token produces a query, a key and a value, all by multiplying its vector with learned matrices. The query of one token is compared with the keys of all tokens by a dot product; the scores are scaled by one over the square root of the head size, so they do not grow with the width, and a softmax turns them into weights that add up to one. The token then takes the weighted average of the values.',
    'In a decoder such as GPT or LLaMA a token may only look at itself and earlier tokens. Scores for later tokens are masked before the softmax, so their weights are exactly zero: that is the blank upper triangle of the heatmap. This causal mask is what lets the model generate text one token at a time, and lets training predict every position of a sequence in a single pass.',
    'Multi-head attention runs several attention operations side by side, each with its own projections and a smaller head size. One head may follow the previous token, another may look back to the start of a line or to a speaker name. The grid of thumbnails shows every head of every layer at once, and you can see how different they are.',
    'After attention, every token passes through a feed-forward network on its own: a layer that widens the vector four times, a GELU non-linearity, and a layer that narrows it again. Attention moves information between positions; the feed-forward layer transforms it at each position. Both are wrapped in residual connections, so each block adds to a running stream of vectors, and each starts with layer normalisation, which keeps the numbers in a stable range.',
    'The logit lens reads that running stream after every layer through the final normalisation and the output layer, as if the model stopped there. Early layers give rough guesses; later ones sharpen them into the final prediction.',
    'Attention weights are easy to draw but they are not by themselves an explanation. A large weight says where a head copied information from, not why the model chose its output: values can be small, other heads and the feed-forward layers also matter, and different weight patterns can lead to the same prediction.',
    'Three kinds of model differ only in their mask. A causal decoder like GPT sees only the past. A prefix language model, as in GLM and ChatGLM, lets the prompt see itself in both directions and generates the rest causally. A bidirectional encoder like BERT lets every token see every other token, which suits understanding tasks such as classification, but it cannot generate text one token at a time, because each new token would change every earlier one.',
    'Most large language models are decoders. Generation is naturally autoregressive; every step gives a distribution to sample from, which makes diverse decoding easy; and training with teacher forcing computes exactly what inference computes. With teacher forcing, one forward pass over a training sequence predicts every next token at once, and the numbers are the same as stepping through the sequence token by token with a key-value cache.',
    'Input length is bounded for two reasons. The model learned position embeddings only up to its context window, so positions past it were never seen. And attention compares every token with every other, so memory and time grow with the square of the length; the key-value cache also grows with every token. Long documents are handled by cutting them into chunks that overlap, so that no sentence loses its context at a boundary, or by summarising chunks and then summarising the summaries.',
  ],
};

export const LORA: Explanation = {
  id: 'lora',
  title: 'LoRA: fine-tuning with a low-rank update',
  paragraphs: [
    'Fine-tuning continues training a model on new text so that it writes more like that text. Full fine-tuning updates every weight, and for that it must store a gradient and two Adam optimizer moments for each one. For a model with seven billion parameters this means well over a hundred gigabytes of memory before counting the activations.',
    'LoRA, low-rank adaptation, freezes the original weights and learns a small update beside each chosen weight matrix. The update is the product of two thin matrices, B times A, with a small rank r. A starts random and B starts at zero, so a fresh adapter changes nothing at all. Only A and B are trained, which for rank four is a tiny fraction of the model.',
    'It works because the change fine-tuning needs has a low intrinsic rank: adapting a model to a new style or task can be described by a few directions in weight space. The singular values of the learned update show this directly: at most r of them are above zero, while the original weight matrix has many.',
    'LoRA trains faster and uses less memory because the frozen weights need no gradients and no optimizer state. The memory calculator shows the difference for large models, and the comparison runs both methods on the same text and counts trainable parameters, optimizer memory and step time.',
    'Scaling matters: the update is multiplied by alpha divided by r. With rank-stabilised LoRA it is divided by the square root of r instead, which keeps larger ranks from learning too slowly.',
    'After training, the update can be merged into the weights by adding B times A to the original matrix. The merged model is exactly as fast as the original, since there is nothing extra to compute, and the merge can be undone by subtracting the same product. An adapter can also be kept separate, switched on and off, and trained further later, starting from where it stopped.',
    'QLoRA goes further. It stores the frozen base model in four bits using the NormalFloat format, whose sixteen levels sit at quantiles of a normal distribution, because trained weights are roughly normal. Double quantisation also compresses the scaling constants, and paged optimizers move optimizer state to CPU memory when the GPU runs short. The adapter itself still trains in higher precision.',
    'AdaLoRA spends the rank budget where it helps most. It writes each update in a singular value form and prunes the least important singular values during training, so some matrices end with a higher rank and others with a lower one.',
    'Training on new text can make a model worse at what it knew before. This is catastrophic forgetting, and the panel shows it as the loss on the original corpus rising while the loss on the new text falls. Mixing some original text into the new training data is the standard cure. With LoRA, switching the adapter off brings back the original model exactly.',
  ],
};

export const ALL_EXPLANATIONS: Explanation[] = [REPETITION, ATTENTION, LORA];

/** The playground's own prose as one text: the LoRA panel's default new domain. */
export function explanationsAsText(list: Explanation[] = ALL_EXPLANATIONS): string {
  return list.map((e) => `${e.title}\n\n${e.paragraphs.join('\n\n')}\n`).join('\n');
}
