// Long inputs: how attention's memory grows with the number of tokens, what
// this panel does past the context window, and chunking with overlap.

import { useMemo } from 'react';
import type { GPTConfig } from '../../model/config.ts';
import { LLAMA_7B } from '../../lessons/costs.ts';
import { createCostChart, formatBytesShort } from '../../charts/attention/costChart.ts';
import { createChunkDiagram, type ChunkDiagramData } from '../../charts/attention/chunkDiagram.ts';
import { LLAMA_CONTEXT, chunkPlan, costSeries, longInputNumbers, shapeOf } from './longInputCosts.ts';
import { useChart } from './useChart.ts';

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
      <h3 className="attn-subhead">Memory and time grow with the length</h3>
      <p className="small">
        Attention compares every token with every other: for n tokens each head of each layer fills an n × n matrix, so memory and time grow
        with n² (dashed lines: slope 2 on these log axes). The KV cache keeps every earlier token's keys and values so a new token costs one
        row, not a whole pass — and it grows by a fixed amount per token (solid lines).
      </p>
      <table className="attn-table compact" data-testid="attention-costs">
        <thead>
          <tr>
            <th />
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
            <td>Attention matrix of one layer, full window</td>
            <td>{formatBytesShort(numbers.matrixWindowSmall)}</td>
            <td>{formatBytesShort(numbers.matrixWindow7b)}</td>
          </tr>
        </tbody>
      </table>
      <div className="chart" ref={costRef} data-testid="attention-cost-chart" />

      <h3 className="attn-subhead">Past the context window</h3>
      <p className="small" data-testid="attention-window-policy">
        This model learned position embeddings for {n} positions (0–{n - 1}); position {n} was never seen, so the model cannot be run on it.
        This panel <strong>slides</strong> rather than refuses: a prompt longer than {n} tokens is cut from the left, keeping its last {n}; when
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
