// Every head of every layer at this step (BertViz's model view), each with a
// few words on where its weight mostly goes; a click opens the head.

import { useMemo, useRef } from 'react';
import { createHeadGrid, type GridData } from '../../charts/attention/grid.ts';
import { type StepView, describeHabit, headHabit, headWeights } from './frames.ts';
import { useChart } from '../ChartView.tsx';

export function GridView(props: { view: StepView; nLayer: number; nHead: number; layer: number; head: number; onOpen: (layer: number, head: number) => void }) {
  const { view, nLayer, nHead, layer, head } = props;
  const heads = useMemo(() => {
    const out = [];
    for (let l = 0; l < nLayer; l++) {
      for (let h = 0; h < nHead; h++) {
        const m = headWeights(view, l, h);
        out.push({ layer: l, head: h, values: m.values, masked: m.masked, caption: describeHabit(headHabit(m)) });
      }
    }
    return out;
  }, [view, nLayer, nHead]);
  const data = useMemo<GridData>(() => ({ size: view.positions.length, heads, selected: { layer, head } }), [view, heads, layer, head]);
  const open = useRef(props.onOpen);
  open.current = props.onOpen;
  const ref = useChart((el) => createHeadGrid(el, (l, h) => open.current(l, h)), data);
  return (
    <figure className="attn-figure" data-testid="attention-grid" data-step={view.step}>
      <figcaption>
        All {nLayer * nHead} heads at this step, a row per layer. Heads in the same layer read the same tokens with different projections,
        and settle into different habits; the caption is only where the weight mostly goes, not what the head is for. Click one to open it.
      </figcaption>
      <div className="chart" ref={ref} />
    </figure>
  );
}
