// The numbers behind the long-inputs view: how attention's memory grows with
// the number of tokens for this model and for a 7B model (lessons/costs.ts),
// how a long text is cut into overlapping windows, and what the model's loss
// on it is read either way (lessons/chunking.ts).
// Labels are in the locale in force when these are called.

import type { GPTConfig } from '../../model/config.ts';
import { type ModelShape, LLAMA_7B, attentionMatrixBytes, flashAttentionBytes, kvCacheBytesPerToken } from '../../lessons/costs.ts';
import { type Chunk, type ChunkedScore, chunkWithOverlap, scoreChunked } from '../../lessons/chunking.ts';
import type { CostData } from '../../charts/attention/costChart.ts';
import type { ParamsOf, ResultOf } from '../../engine/protocol.ts';
import { t } from '../../i18n/index.ts';

/** This model in the shape costs.ts reads. */
export function shapeOf(config: GPTConfig, parameters: number): ModelShape {
  return { name: t('attention:long.series.thisModel'), nLayer: config.nLayer, nHead: config.nHead, nEmbd: config.nEmbd, parameters };
}

/** The 7B model's context window (LLaMA-2). */
export const LLAMA_CONTEXT = 4096;

/** Token counts from 16 to 32k, doubling. */
export const LENGTHS = Array.from({ length: 12 }, (_, i) => 16 * 2 ** i);

/**
 * Memory against length: this model in float32 (how the playground runs it),
 * the 7B model in 16-bit (how it is usually served). The KV cache covers all
 * layers; the attention matrix is one layer's, every head, stored whole; the
 * FlashAttention line is what the 7B model keeps of one layer's attention when
 * it never stores that matrix.
 */
export function costSeries(model: ModelShape, blockSize: number, sequenceLength: number): CostData {
  const points = (f: (n: number) => number) => LENGTHS.map((n) => ({ x: n, y: f(n) }));
  return {
    series: [
      { id: 'kv-small', label: t('attention:long.series.kvSmall', { model: model.name }), color: '#1f5fa8', points: points((n) => n * kvCacheBytesPerToken(model, 4)) },
      { id: 'attn-small', label: t('attention:long.series.attnSmall', { model: model.name }), color: '#1f5fa8', dashed: true, points: points((n) => attentionMatrixBytes(model, n, 4)) },
      { id: 'kv-7b', label: t('attention:long.series.kv7b', { model: LLAMA_7B.name }), color: '#d9822b', points: points((n) => n * kvCacheBytesPerToken(LLAMA_7B, 2)) },
      { id: 'attn-7b', label: t('attention:long.series.attn7b', { model: LLAMA_7B.name }), color: '#d9822b', dashed: true, points: points((n) => attentionMatrixBytes(LLAMA_7B, n, 2)) },
      { id: 'flash-7b', label: t('attention:long.series.flash7b', { model: LLAMA_7B.name }), color: '#2a8c55', points: points((n) => flashAttentionBytes(LLAMA_7B, n)) },
    ],
    markers: [
      { x: sequenceLength, label: t('attention:long.series.onScreen', { n: sequenceLength }) },
      { x: blockSize, label: t('attention:long.series.thisWindow', { n: blockSize }) },
      { x: LLAMA_CONTEXT, label: t('attention:long.series.bigWindow', { n: LLAMA_CONTEXT }) },
    ],
  };
}

export interface LongInputNumbers {
  kvPerTokenSmall: number;
  kvPerToken7b: number;
  /** KV cache of a full window. */
  kvWindowSmall: number;
  kvWindow7b: number;
  matrixWindowSmall: number;
  matrixWindow7b: number;
  /** What FlashAttention keeps instead of the 7B model's matrices, one layer, full window. */
  flashWindow7b: number;
}

export function longInputNumbers(model: ModelShape, blockSize: number): LongInputNumbers {
  const kvPerTokenSmall = kvCacheBytesPerToken(model, 4);
  const kvPerToken7b = kvCacheBytesPerToken(LLAMA_7B, 2);
  return {
    kvPerTokenSmall,
    kvPerToken7b,
    kvWindowSmall: kvPerTokenSmall * blockSize,
    kvWindow7b: kvPerToken7b * LLAMA_CONTEXT,
    matrixWindowSmall: attentionMatrixBytes(model, blockSize, 4),
    matrixWindow7b: attentionMatrixBytes(LLAMA_7B, LLAMA_CONTEXT, 2),
    flashWindow7b: flashAttentionBytes(LLAMA_7B, LLAMA_CONTEXT),
  };
}

/**
 * Windows for a text longer than the context: the prompt itself when it is
 * that long, else an example text of 4½ windows. A quarter of each window
 * overlaps the one before it.
 */
export function chunkPlan(promptTokens: number, blockSize: number): { length: number; overlap: number; example: boolean; chunks: Chunk[] } {
  const example = promptTokens <= blockSize;
  const length = example ? Math.round(blockSize * 4.5) : promptTokens;
  const overlap = Math.max(1, Math.floor(blockSize / 4));
  return { length, overlap, example, chunks: chunkWithOverlap(length, blockSize, overlap) };
}

/** The engine requests scoring a long text takes: the page's client, or the handlers in a Node test. */
export type ScoreCall = <M extends 'promptLogits' | 'teacherForcing'>(method: M, params: ParamsOf<M>) => Promise<ResultOf<M>>;

export interface LongTextScore extends ChunkedScore {
  /** Tokens of the text. */
  length: number;
  windowSize: number;
  /** Tokens each window after the first shares with the one before it. */
  overlapTokens: number;
}

/**
 * A text read through the active model's window of `windowSize` tokens, side
 * by side and overlapping by a quarter (chunkPlan's overlap): the mean loss per
 * token either way, over the same tokens. Each window is one teacher-forced pass.
 */
export async function scoreLongText(text: string, windowSize: number, call: ScoreCall): Promise<LongTextScore> {
  const slot = 'active' as const;
  const { promptIds: ids } = await call('promptLogits', { slot, prompt: text });
  const overlap = Math.max(1, Math.floor(windowSize / 4));
  const score = await scoreChunked(ids.length, windowSize, overlap, async (start, end) => {
    const { rows } = await call('teacherForcing', { slot, ids: ids.slice(start, end) });
    // rows[i].nextProb is p(token i+1 | tokens 0…i) within the window: the loss of its token i+1.
    return [NaN, ...rows.slice(0, -1).map((row) => -Math.log(Math.max(row.nextProb ?? 0, 1e-30)))];
  });
  return { ...score, length: ids.length, windowSize, overlapTokens: overlap };
}
