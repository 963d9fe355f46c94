// BertViz's head view for the chosen layer: every head's weights as lines
// from query tokens (left) to key tokens (right), one colour per head.

import { useMemo, useRef, useState } from 'react';
import { createLinesView, type LinesData, MIN_DRAWN_WEIGHT } from '../../charts/attention/linesView.ts';
import { headColor } from '../../charts/attention/common.ts';
import { type SequenceData, type StepView, headWeights } from './frames.ts';
import { useChart } from '../ChartView.tsx';

export function HeadLinesView(props: {
  seq: SequenceData;
  view: StepView;
  layer: number;
  head: number;
  nHead: number;
  onHead: (head: number) => void;
  onSelectRow: (row: number) => void;
}) {
  const { seq, view, layer, head, nHead } = props;
  const [allHeads, setAllHeads] = useState(true);
  const data = useMemo<LinesData>(() => {
    const heads = allHeads ? Array.from({ length: nHead }, (_, h) => h).filter((h) => h !== head).concat(head) : [head];
    return {
      tokens: view.positions.map((p) => seq.tokens[p].text),
      ids: view.positions,
      heads: heads.map((h) => ({ head: h, weights: headWeights(view, layer, h).values })),
    };
  }, [seq.tokens, view, layer, head, nHead, allHeads]);
  const select = useRef(props.onSelectRow);
  select.current = props.onSelectRow;
  const ref = useChart((el) => createLinesView(el, { onSelectRow: (r) => select.current(r) }), data);

  return (
    <figure className="attn-figure" data-testid="attention-lines" data-layer={layer} data-head={head} data-step={view.step}>
      <figcaption>
        Layer {layer}: each line joins a query token (left) to a key token (right) it reads, as opaque as the weight (each query's strongest line the most
        opaque). Hover a token to keep only its lines. Lines under {MIN_DRAWN_WEIGHT} are left out.
      </figcaption>
      <div className="controls attn-lines-controls">
        <label className="attn-check">
          <input type="checkbox" checked={allHeads} data-testid="attention-all-heads" onChange={(e) => setAllHeads(e.target.checked)} /> all heads of the layer
        </label>
        <span className="attn-head-chips" role="group" aria-label="Head">
          {Array.from({ length: nHead }, (_, h) => (
            <button
              type="button"
              key={h}
              className={h === head ? 'attn-chip selected' : 'attn-chip'}
              style={{ borderColor: headColor(h), background: h === head ? headColor(h) : undefined }}
              aria-pressed={h === head}
              onClick={() => props.onHead(h)}
            >
              head {h}
            </button>
          ))}
        </span>
      </div>
      <div className="chart attn-lines-scroll" tabIndex={0} ref={ref} />
    </figure>
  );
}
