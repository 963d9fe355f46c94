// The chosen head as a heatmap, and for the selected query: its row as bars,
// the four stages that made it, and the logit lens at that position.

import { useMemo, useRef } from 'react';
import { createAttentionHeatmap, type AttentionHeatmapData } from '../../charts/attention/heatmap.ts';
import { createRowBars, type RowBarsData } from '../../charts/attention/rowBars.ts';
import { createStages, type StagesData } from '../../charts/attention/stages.ts';
import { createLensStrip, type LensData } from '../../charts/attention/lensStrip.ts';
import { type SequenceData, type StepView, headStages, headWeights, lensAt, nextTokenAt } from './frames.ts';
import { useChart } from '../ChartView.tsx';

export interface HeadProps {
  seq: SequenceData;
  view: StepView;
  layer: number;
  head: number;
  /** Row of the window whose query is selected. */
  row: number;
  headSize: number;
  onSelectRow: (row: number) => void;
}

export function HeatmapView(props: HeadProps) {
  const { seq, view, layer, head, row } = props;
  const labels = useMemo(() => view.positions.map((p) => seq.tokens[p].text), [seq.tokens, view]);
  const matrix = useMemo(() => headWeights(view, layer, head), [view, layer, head]);
  const n = matrix.size;
  const query = labels[row];

  const heatmapData = useMemo<AttentionHeatmapData>(
    () => ({ rowLabels: labels, colLabels: labels, values: matrix.values, masked: matrix.masked, rowIds: view.positions, colIds: view.positions, selectedRow: row }),
    [labels, matrix, view.positions, row],
  );
  const select = useRef(props.onSelectRow);
  select.current = props.onSelectRow;
  const heatmapRef = useChart((el) => createAttentionHeatmap(el, { title: 'Attention weights of the chosen head', onSelectRow: (r) => select.current(r) }), heatmapData);

  const barsData = useMemo<RowBarsData>(
    () => ({
      query,
      labels,
      values: matrix.values.subarray(row * n, (row + 1) * n),
      masked: matrix.masked.subarray(row * n, (row + 1) * n),
      ids: view.positions,
    }),
    [query, labels, matrix, row, n, view.positions],
  );
  const barsRef = useChart(createRowBars, barsData);

  const stagesData = useMemo<StagesData>(() => {
    const s = headStages(view, layer, head, row, props.headSize);
    const root = Math.sqrt(props.headSize);
    return {
      query,
      keyLabels: s.keys.map((p) => seq.tokens[p].text),
      keyIds: s.keys,
      stages: [
        { id: 'qk', label: '1. Q·Kᵀ', note: 'query · each key', values: s.qk, kind: 'score' },
        { id: 'scaled', label: '2. × 1/√d', note: `÷ √${props.headSize} = ÷ ${root.toFixed(2)}`, values: s.scaled, kind: 'score' },
        { id: 'masked', label: '3. mask', note: 'later keys → −∞', values: s.masked, kind: 'score' },
        { id: 'softmax', label: '4. softmax', note: 'weights sum to 1', values: s.weights, kind: 'weight' },
      ],
    };
  }, [view, layer, head, row, props.headSize, query, seq.tokens]);
  const stagesRef = useChart(createStages, stagesData);

  const position = view.positions[row];
  const next = nextTokenAt(seq, view, position);
  const lensData = useMemo<LensData>(() => {
    const stages = lensAt(view, row);
    return {
      actualNext: next?.id ?? null,
      stages: stages.map((guesses, i) => ({
        label: i === 0 ? 'embeddings' : i === stages.length - 1 ? `block ${i - 1} = output` : `after block ${i - 1}`,
        guesses,
      })),
    };
  }, [view, row, next]);
  const lensRef = useChart(createLensStrip, lensData);

  const rowSum = matrix.values.subarray(row * n, (row + 1) * n).reduce((s, v) => s + v, 0);
  return (
    <div className="attn-heatmap-view">
      <figure className="attn-figure" data-testid="attention-heatmap" data-layer={layer} data-head={head} data-step={view.step} data-size={n}>
        <figcaption>
          Layer {layer}, head {head}: each row is a query token, each column a key token it may read. Hatched cells are the
          future, blocked by the causal mask. The last row is the newest token: its query is the one that produces the next
          token. Click a row, or a token in the text above (with the keyboard: Tab to it and press Enter), to select it.
        </figcaption>
        <div className="chart attn-scroll" tabIndex={0} ref={heatmapRef} />
        <WeightLegend />
      </figure>

      <h3 className="attn-subhead">
        Row of <span className="attn-token-inline">{query}</span> (position {position})
      </h3>
      <div className="chart" ref={barsRef} data-testid="attention-row" data-query={position} data-row-sum={rowSum} />

      <h3 className="attn-subhead">How this row was computed, stage by stage</h3>
      <p className="muted small">
        The trace keeps the scores after scaling; Q·Kᵀ is shown as those scores × √d_head (d_head = {props.headSize}). Scaling keeps
        the scores from growing with the head size, so the softmax does not saturate; the mask sets later keys to −∞, so their weight is
        exactly 0.
        {stagesData.keyLabels.length < n && ' Keys written after this token did not exist when its row was computed (the KV cache only holds earlier tokens).'}
      </p>
      <div className="chart attn-scroll" tabIndex={0} ref={stagesRef} data-testid="attention-stages" />

      <h3 className="attn-subhead">Logit lens at this position</h3>
      <p className="muted small">
        The residual stream after each block, read through the final LayerNorm and the output layer: what the model would guess next if it
        stopped there.{' '}
        {next ? (
          <>
            The token that came next, <span className="attn-token-inline">{next.text}</span>, is marked.
          </>
        ) : (
          'The next token has not been generated yet: step to see it.'
        )}
      </p>
      <div className="chart" ref={lensRef} data-testid="attention-lens" />
    </div>
  );
}

function WeightLegend() {
  return (
    <div className="attn-legend" aria-hidden="true">
      <span>weight 0</span>
      <span className="attn-legend-ramp" />
      <span>1</span>
      <span className="attn-legend-masked" />
      <span>masked</span>
    </div>
  );
}
