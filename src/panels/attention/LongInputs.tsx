// Long inputs: how attention's time and memory grow with the number of tokens
// (and how FlashAttention keeps the memory linear), what this panel does past
// the context window, and chunking with overlap.

import { useMemo } from 'react';
import type { GPTConfig } from '../../model/config.ts';
import { LLAMA_7B } from '../../lessons/costs.ts';
import { createCostChart, formatBytesShort } from '../../charts/attention/costChart.ts';
import { createChunkDiagram, type ChunkDiagramData } from '../../charts/attention/chunkDiagram.ts';
import { LLAMA_CONTEXT, chunkPlan, costSeries, longInputNumbers, shapeOf } from './longInputCosts.ts';
import { useChart } from '../ChartView.tsx';

export function LongInputs(props: { config: GPTConfig; parameterCount: number; sequenceLength: number; promptTokenCount: number | null }) {
  const { config, sequenceLength } = props;
  const shape = useMemo(() => shapeOf(config, props.parameterCount), [config, props.parameterCount]);
  const costs = useMemo(() => costSeries(shape, config.blockSize, Math.max(1, sequenceLength)), [shape, config.blockSize, sequenceLength]);
  const costRef = useChart((el) => createCostChart(el, 'Attention memory against sequence length'), costs);
  const numbers = longInputNumbers(shape, config.blockSize);
  const plan = useMemo(() => chunkPlan(props.promptTokenCount ?? 0, config.blockSize), [props.promptTokenCount, config.blockSize]);
  const chunkData = useMemo<ChunkDiagramData>(() => ({ length: plan.length, chunks: plan.chunks }), [plan]);
  const chunkRef = useChart(createChunkDiagram, chunkData);
  const n = config.blockSize;

  return (
    <div className="attn-long" data-testid="attention-long">
      <h3 className="attn-subhead">Time grows with the square of the length; memory need not</h3>
      <p className="small">
        Attention compares every token with every other: for n tokens each head of each layer computes an n × n matrix of scores, so time
        grows with n². Memory grows with n² only when that matrix is stored whole (dashed lines: slope 2 on these log axes), as a plain
        implementation does and as this playground does so that the heatmap can draw it. FlashAttention computes the same result in tiles
        that fit in the GPU&apos;s on-chip memory and never stores the matrix: it keeps one softmax statistic per token and head (green line,
        slope 1), {formatBytesShort(numbers.flashWindow7b)} for a full {LLAMA_CONTEXT}-token window of {LLAMA_7B.name} against{' '}
        {formatBytesShort(numbers.matrixWindow7b)} for the matrix, so its memory grows linearly while its time stays quadratic. The KV cache keeps
        every earlier token&apos;s keys and values so a new token costs one row, not a whole pass — and it grows by a fixed amount per token
        (blue and orange solid lines).
      </p>
      <table className="attn-table compact" data-testid="attention-costs">
        <thead>
          <tr>
            <td />
            <th>this model ({config.nLayer} layers × {config.nHead} heads, width {config.nEmbd}, fp32)</th>
            <th>{LLAMA_7B.name} (32 layers × 32 heads, width 4096, fp16)</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>KV cache per token: 2 × layers × width × bytes</td>
            <td data-testid="kv-per-token">{formatBytesShort(numbers.kvPerTokenSmall)}</td>
            <td>{formatBytesShort(numbers.kvPerToken7b)}</td>
          </tr>
          <tr>
            <td>KV cache of a full window</td>
            <td>
              {formatBytesShort(numbers.kvWindowSmall)} ({n} tokens)
            </td>
            <td>
              {formatBytesShort(numbers.kvWindow7b)} ({LLAMA_CONTEXT} tokens)
            </td>
          </tr>
          <tr>
            <td>Attention matrix of one layer, full window, stored whole</td>
            <td>{formatBytesShort(numbers.matrixWindowSmall)}</td>
            <td>{formatBytesShort(numbers.matrixWindow7b)}</td>
          </tr>
          <tr>
            <td>What FlashAttention keeps instead: one fp32 statistic per token and head</td>
            <td>not used here</td>
            <td data-testid="flash-window-7b">{formatBytesShort(numbers.flashWindow7b)}</td>
          </tr>
        </tbody>
      </table>
      <div className="chart" ref={costRef} data-testid="attention-cost-chart" />

      <h3 className="attn-subhead">Past the context window</h3>
      <p className="small" data-testid="attention-window-policy">
        This model, like GPT-2, learned a table of position embeddings for {n} positions (0–{n - 1}); position {n} has no embedding, so the
        model cannot be run on it. LLaMA has no such table: its rotary position encoding (RoPE) can be computed for any position, but {LLAMA_7B.name}{' '}
        was trained on at most {LLAMA_CONTEXT} tokens and, without position interpolation and further training, works poorly beyond them. This panel <strong>slides</strong> rather than refuses: a prompt longer than {n} tokens is cut from the left, keeping its last {n}; when
        generation fills the window, the oldest tokens are dropped, the newest {Math.floor(n / 2)} are kept and their cache is computed again
        (cached keys carry positions that no longer hold). Dropped tokens are struck through in the text above, and the heatmap shows only
        the window.
      </p>

      <h3 className="attn-subhead">Chunking with overlap</h3>
      <p className="small">
        {plan.example
          ? `A text of ${plan.length} tokens (an example: the prompt fits the window)`
          : `Your prompt's ${plan.length} tokens`}{' '}
        cut into windows of {n} tokens that overlap by {plan.overlap}: every window after the first starts with {plan.overlap} tokens of context
        carried over (light) and is responsible for the rest (dark), so no token is predicted without context at a boundary. Each window is one
        forward pass; summaries of chunks can be combined the same way.
      </p>
      <div className="chart" ref={chunkRef} data-testid="attention-chunks" />
    </div>
  );
}
