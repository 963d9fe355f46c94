// BertViz's head view for the chosen layer: every head's weights as lines
// from query tokens (left) to key tokens (right), one colour per head.

import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createLinesView, type LinesData, MIN_DRAWN_WEIGHT } from '../../charts/attention/linesView.ts';
import { headColor } from '../../charts/attention/common.ts';
import { heatmapWindow } from '../../charts/attention/heatmap.ts';
import type { EngineClient } from '../../engine/client.ts';
import type { LinesParams } from '../../engine/attentionProtocol.ts';
import type { SequenceData, StepView } from './frames.ts';
import { useEngineCall } from '../useEngineCall.ts';

/** Tokens the lines view draws at most: beyond a few dozen rows the lines are a grey mass (and 12 heads × 1,024² pairs). */
export const LINES_WINDOW = 64;
import { useChart } from '../ChartView.tsx';
import { formatNumber } from '../format.ts';

export function HeadLinesView(props: {
  client: EngineClient | null;
  sequence: number;
  seq: SequenceData;
  view: StepView;
  layer: number;
  head: number;
  nHead: number;
  /** Row of the selected query: the window of a long sequence follows it. */
  row: number;
  onHead: (head: number) => void;
  onSelectRow: (row: number) => void;
}) {
  const { seq, view, layer, head, nHead, row } = props;
  const { t, i18n } = useTranslation('attention');
  const lang = i18n.language;
  const [allHeads, setAllHeads] = useState(true);
  const n = view.positions.length;
  const win = heatmapWindow(n, row, LINES_WINDOW);
  const { start, size } = win;
  const heads = allHeads ? Array.from({ length: nHead }, (_, h) => h).filter((h) => h !== head).concat(head) : [head];
  const params: LinesParams = { sequence: props.sequence, step: view.step, layer, heads, start, size };
  const key = `${props.sequence}|${view.step}|${layer}|${heads.join(',')}|${start}|${size}`;
  const call = useEngineCall(props.client, 'attentionLines', params, key);
  const result = call.status === 'done' && call.key === key ? call.result : null;
  const kept = useRef<{ sequence: number; data: LinesData; step: number; start: number; size: number } | null>(null);
  const fresh = useMemo<LinesData | null>(() => {
    if (!result) return null;
    const positions = view.positions.slice(start, start + size);
    return { tokens: positions.map((p) => seq.tokens[p].text), ids: positions, heads: result.heads.map((h) => ({ head: h.head, weights: h.values })) };
  }, [result, seq.tokens, view.positions, start, size]);
  if (fresh) kept.current = { sequence: props.sequence, data: fresh, step: view.step, start, size };
  else if (kept.current?.sequence !== props.sequence) kept.current = null;
  // The last answer stays drawn while the next is on its way.
  const data = kept.current?.data ?? null;
  const select = useRef((r: number) => props.onSelectRow(start + r));
  select.current = (r: number) => props.onSelectRow(start + r);
  const ref = useChart((el) => createLinesView(el, { onSelectRow: (r) => select.current(r) }), data, [lang]);

  return (
    <figure
      className="attn-figure" data-testid="attention-lines" data-layer={layer} data-head={head} data-step={kept.current?.step ?? ''}
      data-window-start={kept.current?.start ?? start} data-window-size={kept.current?.size ?? size} data-pending={fresh === null}
    >
      {call.status === 'error' && <p className="alert error">{call.message}</p>}
      <figcaption>
        {t('lines.caption', { layer, min: formatNumber(MIN_DRAWN_WEIGHT) })}
        {size < n && t('lines.window', { n: formatNumber(n), size, from: view.positions[start], to: view.positions[start + size - 1] })}
      </figcaption>
      <div className="controls attn-lines-controls">
        <label className="attn-check">
          <input type="checkbox" checked={allHeads} data-testid="attention-all-heads" onChange={(e) => setAllHeads(e.target.checked)} /> {t('lines.allHeads')}
        </label>
        <span className="attn-head-chips" role="group" aria-label={t('lines.headGroup')}>
          {Array.from({ length: nHead }, (_, h) => (
            <button
              type="button"
              key={h}
              className={h === head ? 'attn-chip selected' : 'attn-chip'}
              style={{ borderColor: headColor(h), background: h === head ? headColor(h) : undefined }}
              aria-pressed={h === head}
              onClick={() => props.onHead(h)}
            >
              {t('lines.head', { head: h })}
            </button>
          ))}
        </span>
      </div>
      <div className="chart attn-lines-scroll" tabIndex={0} ref={ref} />
    </figure>
  );
}
