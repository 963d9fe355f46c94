// Supervised fine-tuning (SFT, 指令微调) on conversations: a chat template with
// role markers as special tokens, the tokens the loss counts, and batches of
// whole examples.
//
// The template is Phi-3's (microsoft/Phi-3-mini-4k-instruct, tokenizer_config.json
// `chat_template`): every message is `<|role|>\n{content}<|end|>\n`, and the
// generation prompt is `<|assistant|>\n`. The three markers are added to the
// tokenizer as Hugging Face special tokens (`add_special_tokens`), so text never
// splits into them and they never merge with their neighbours, and to the
// model as new embedding rows (`resize_token_embeddings`).
//
// Labels follow Hugging Face: aligned with input_ids, −100 where the loss
// skips a token. With `'answers'` only the assistant's content and its `<|end|>`
// count — what TRL's DataCollatorForCompletionOnlyLM (response_template
// "<|assistant|>\n") and `assistant_only_loss` do; with `'all'` every token
// counts (DataCollatorForLanguageModeling), questions and markers included.
//
// Batches pad: each example is one row, padded on the right to the longest
// row of the batch with `<|end|>` (GPT-2 has no pad token; Hugging Face's usual
// pad_token = eos_token), and padding is labelled −100 too. Right padding
// under a causal mask changes nothing before it. Packing (examples end to end
// in full windows) would waste no positions but lets an example attend to the
// one before it; a batch of short examples here pads to under 64 tokens.

import * as tf from '@tensorflow/tfjs';
import { GPT } from '../model/gpt.ts';
import type { NamedArray } from '../model/params.ts';
import { ByteLevelBPE, CharTokenizer, type Tokenizer } from '../tokenizer/index.ts';
import type { Rng } from '../util/random.ts';
import type { Batch } from './data.ts';
import { IGNORE_INDEX, maskedCrossEntropy } from './sftLoss.ts';
import { type ChatMessage, type Conversation, type InstructionSet, englishInstructions, tangInstructions } from './sftData.ts';

export { IGNORE_INDEX } from './sftLoss.ts';

/** The role markers, spelled as Phi-3 spells them. */
export const CHAT_TOKENS = { user: '<|user|>', assistant: '<|assistant|>', end: '<|end|>' } as const;
const MARKERS = [CHAT_TOKENS.user, CHAT_TOKENS.assistant, CHAT_TOKENS.end];

export interface ChatTokenIds {
  user: number;
  assistant: number;
  end: number;
}

/** Which tokens the loss counts. */
export type LossMode = 'answers' | 'all';

/**
 * The tokenizer with the role markers added as special tokens after every
 * existing id (reused when it has them already), and their ids. A byte-level
 * BPE writes them in tokenizer.json's `added_tokens` with `"special": true`.
 */
export function withChatTokens(tokenizer: Tokenizer): { tokenizer: Tokenizer; ids: ChatTokenIds; added: number } {
  if (tokenizer instanceof ByteLevelBPE) {
    const missing = MARKERS.filter((m) => tokenizer.tokenToId(m) === undefined);
    const { model } = tokenizer;
    const grown = missing.length === 0 ? tokenizer : new ByteLevelBPE({
      ...model,
      vocab: [...model.vocab, ...missing],
      addedTokens: [...model.addedTokens, ...missing.map((content, i) => ({ id: model.vocab.length + i, content, special: true }))],
    });
    const id = (m: string) => grown.tokenToId(m) as number;
    return { tokenizer: grown, ids: { user: id(CHAT_TOKENS.user), assistant: id(CHAT_TOKENS.assistant), end: id(CHAT_TOKENS.end) }, added: missing.length };
  }
  if (tokenizer instanceof CharTokenizer) {
    const missing = MARKERS.filter((m) => tokenizer.specialId(m) === undefined);
    const grown = missing.length === 0 ? tokenizer : tokenizer.withSpecialTokens(missing);
    const id = (m: string) => grown.specialId(m) as number;
    return { tokenizer: grown, ids: { user: id(CHAT_TOKENS.user), assistant: id(CHAT_TOKENS.assistant), end: id(CHAT_TOKENS.end) }, added: missing.length };
  }
  throw new TypeError(`Cannot add special tokens to a ${tokenizer.kind} tokenizer.`);
}

/**
 * wte [V, C] → [V + count, C]: old rows unchanged, each new row the mean of
 * the old rows. The output head is tied to wte, so a new token's first logit
 * is the mean of the old logits — likely enough to learn, not likely enough to
 * be written before it is (Hewitt 2021, "Initializing new word embeddings for
 * pretrained language models"). All new rows start equal: what tells the
 * markers apart at first is only where they stand, until training moves them.
 */
export function meanEmbeddingRows(wte: NamedArray, count: number): NamedArray {
  const [vocab, width] = wte.shape;
  const mean = new Float64Array(width);
  for (let i = 0; i < vocab * width; i++) mean[i % width] += wte.data[i];
  const data = new Float32Array((vocab + count) * width);
  data.set(wte.data.subarray(0, vocab * width));
  for (let r = 0; r < count; r++) for (let c = 0; c < width; c++) data[(vocab + r) * width + c] = mean[c] / vocab;
  return { shape: [vocab + count, width], data };
}

/** A new model with `vocabSize` embedding rows (the rows it lacks added as above), every other weight copied. */
export async function withEmbeddingRows(model: GPT, vocabSize: number): Promise<GPT> {
  const weights = await model.weights();
  const wte = weights.get('transformer.wte.weight') as NamedArray;
  weights.set('transformer.wte.weight', meanEmbeddingRows(wte, vocabSize - model.config.vocabSize));
  return GPT.fromWeights({ ...model.config, vocabSize }, weights);
}

/** A stretch of the formatted text, and whether the loss counts it in each mode. */
export interface TemplatePiece {
  text: string;
  role: ChatMessage['role'];
  /** 'marker' and 'newline' are the template's; 'content' is the message's. */
  part: 'marker' | 'newline' | 'content' | 'end';
  /** Counted when only answers train: an assistant's content and its `<|end|>`. */
  answer: boolean;
}

/** The conversation cut at the template's seams; `addGenerationPrompt` ends it with `<|assistant|>\n`. */
export function chatPieces(conversation: Conversation, addGenerationPrompt = false): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  for (const { role, content } of conversation) {
    const assistant = role === 'assistant';
    pieces.push(
      { text: CHAT_TOKENS[role], role, part: 'marker', answer: false },
      { text: '\n', role, part: 'newline', answer: false },
      { text: content, role, part: 'content', answer: assistant },
      { text: CHAT_TOKENS.end, role, part: 'end', answer: assistant },
      { text: '\n', role, part: 'newline', answer: false },
    );
  }
  if (addGenerationPrompt) pieces.push({ text: CHAT_TOKENS.assistant, role: 'assistant', part: 'marker', answer: false }, { text: '\n', role: 'assistant', part: 'newline', answer: false });
  return pieces;
}

/** The formatted text, as `tokenizer.apply_chat_template(messages, tokenize=False)` writes it. */
export function applyChatTemplate(conversation: Conversation, addGenerationPrompt = false): string {
  return chatPieces(conversation, addGenerationPrompt).map((p) => p.text).join('');
}

/** One tokenized example: ids and Hugging Face-aligned labels (labels[i] is ids[i] or −100). */
export interface SftExample {
  ids: number[];
  labels: number[];
  /** Per token: the piece it came from (for the panel's colouring). */
  pieceOf: number[];
}

/**
 * Tokenizes a conversation piece by piece (the pieces are cut where the
 * tokenizer cuts too: at special tokens and before a newline's word), so each
 * token knows whether its piece is an answer. Truncated to `maxTokens` from
 * the right, as `truncation=True, max_length` does.
 */
export function tokenizeConversation(conversation: Conversation, tokenizer: Tokenizer, mode: LossMode, maxTokens = Infinity): SftExample {
  const ex: SftExample = { ids: [], labels: [], pieceOf: [] };
  chatPieces(conversation).forEach((piece, p) => {
    for (const id of tokenizer.encode(piece.text)) {
      if (ex.ids.length >= maxTokens) return;
      ex.ids.push(id);
      ex.labels.push(mode === 'all' || piece.answer ? id : IGNORE_INDEX);
      ex.pieceOf.push(p);
    }
  });
  return ex;
}

/**
 * Examples as one batch: row b is example b, shifted for next-token training
 * (x = ids[0..n−2], y = labels[1..n−1]) and padded on the right with `padId`
 * to the longest row; padded positions are labelled −100.
 */
export function paddedBatch(examples: readonly SftExample[], padId: number): Batch {
  const T = Math.max(1, ...examples.map((e) => e.ids.length - 1));
  const x = new Int32Array(examples.length * T).fill(padId);
  const y = new Int32Array(examples.length * T).fill(IGNORE_INDEX);
  examples.forEach((e, b) => {
    for (let t = 0; t + 1 < e.ids.length; t++) {
      x[b * T + t] = e.ids[t];
      y[b * T + t] = e.labels[t + 1];
    }
  });
  return { batchSize: examples.length, blockSize: T, x, y };
}

/** A row of original text, every token counted: what mixing in the original corpus puts in a batch. */
function originalRow(ids: ArrayLike<number>, length: number, rng: Rng): SftExample {
  const n = Math.min(length, ids.length);
  const start = rng.int(ids.length - n + 1);
  const row = Array.from({ length: n }, (_, i) => ids[start + i]);
  return { ids: row, labels: row, pieceOf: row.map(() => -1) };
}

export interface SftBatchOptions {
  batchSize: number;
  padId: number;
  /** Share of each batch's rows that are windows of the original corpus (0 = none): the usual cure for forgetting. */
  mix?: number;
  originalIds?: ArrayLike<number>;
}

/**
 * The trainer's `nextBatch` for SFT: examples drawn at random (seeded by the
 * trainer's generator, so two runs with the same seed see the same examples
 * whatever their labels), and with `mix`, that share of the rows windows of
 * original text as long as the batch's longest example.
 */
export function sftBatches(examples: readonly SftExample[], o: SftBatchOptions): (rng: Rng) => Batch {
  if (examples.length === 0) throw new RangeError('SFT needs at least one example.');
  const originalRows = o.mix && o.originalIds && o.originalIds.length > 1 ? Math.min(o.batchSize - 1, Math.round(o.batchSize * o.mix)) : 0;
  return (rng) => {
    const rows = Array.from({ length: o.batchSize - originalRows }, () => examples[rng.int(examples.length)]);
    const length = Math.max(...rows.map((r) => r.ids.length));
    for (let i = 0; i < originalRows; i++) rows.push(originalRow(o.originalIds!, length, rng));
    return paddedBatch(rows, o.padId);
  };
}

/** Mean loss per counted token over examples (labels −100 skipped), batched by `batchSize`; no gradients. */
export function exampleLoss(model: GPT, examples: readonly SftExample[], padId: number, batchSize = 8): { loss: number; tokens: number } {
  let total = 0;
  let tokens = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const batch = paddedBatch(examples.slice(i, i + batchSize), padId);
    const counted = batch.y.reduce((n, label) => n + (label === IGNORE_INDEX ? 0 : 1), 0);
    if (counted === 0) continue;
    total += counted * tf.tidy(() => maskedCrossEntropy(model.forward(tf.tensor2d(batch.x, [batch.batchSize, batch.blockSize], 'int32')), batch.y).dataSync()[0]);
    tokens += counted;
  }
  return { loss: tokens ? total / tokens : NaN, tokens };
}

/** Labels that count only the user's turns (questions and their markers): what the 'all' loss trains besides the answers. */
export function questionLabels(example: SftExample, conversation: Conversation): SftExample {
  const pieces = chatPieces(conversation);
  return { ...example, labels: example.ids.map((id, i) => (pieces[example.pieceOf[i]]?.role === 'user' ? id : IGNORE_INDEX)) };
}

/**
 * Labels that count only the `turn`-th answer (0-based; its content and its
 * `<|end|>`): the multi-turn measure reads each answer of a dialogue with
 * everything before it as context, and scores it alone.
 */
export function turnLabels(example: SftExample, conversation: Conversation, turn: number): SftExample {
  const pieces = chatPieces(conversation);
  // Each message makes five pieces (marker, newline, content, end, newline); its index is piece ÷ 5.
  const answerIndex = (p: number) => conversation.slice(0, Math.floor(p / 5) + 1).filter((m) => m.role === 'assistant').length - 1;
  return { ...example, labels: example.ids.map((id, i) => (pieces[example.pieceOf[i]]?.answer && answerIndex(example.pieceOf[i]) === turn ? id : IGNORE_INDEX)) };
}

/**
 * The instruction set a tokenizer can read: the Tang task for a character
 * vocabulary that knows its characters better than the English ones, the
 * English questions otherwise (a byte-level BPE reads any text).
 */
export function instructionsFor(tokenizer: Tokenizer): InstructionSet {
  if (!(tokenizer instanceof CharTokenizer)) return englishInstructions();
  const text = (set: InstructionSet) => [...set.train, ...set.heldOut].flatMap((c) => c.map((m) => m.content)).join('');
  const unknownShare = (set: InstructionSet) => {
    const t = text(set);
    return tokenizer.unknownCharacters(t).reduce((n, u) => n + u.positions.length, 0) / [...t].length;
  };
  const en = englishInstructions();
  const zh = tangInstructions();
  return unknownShare(zh) < unknownShare(en) ? zh : en;
}
