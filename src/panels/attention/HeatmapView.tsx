// The chosen head as a heatmap, and for the selected query: its row as bars,
// the four stages that made it, and the logit lens at that position.

import { useEffect, useMemo, useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { HeadParams, HeadResult } from '../../engine/attentionProtocol.ts';
import { createAttentionHeatmap, heatmapWindow, DEFAULT_WINDOW, type AttentionHeatmapData } from '../../charts/attention/heatmap.ts';
import { createRowBars, type RowBarsData } from '../../charts/attention/rowBars.ts';
import { createStages, type StagesData } from '../../charts/attention/stages.ts';
import { createLensStrip, type LensData } from '../../charts/attention/lensStrip.ts';
import { type SequenceData, type StepView, nextTokenAt, prependColumns, virtualIds, virtualLabels } from './frames.ts';
import { useChart } from '../ChartView.tsx';
import { useEngineCall } from '../useEngineCall.ts';
import { DENSE_PREFILL } from '../../engine/handlers/attentionStore.ts';
import { formatFixed, formatNumber, formatPercent } from '../format.ts';
import { VirtualShare } from './VirtualShare.tsx';

/** Blocks per side of the overview canvas of a matrix larger than the window (it is drawn at 160–320 px). */
export const OVERVIEW_CELLS = 256;

export interface HeadProps {
  client: EngineClient | null;
  /** The engine's handle of the live sequence. */
  sequence: number;
  seq: SequenceData;
  view: StepView;
  layer: number;
  head: number;
  /** Row of the window whose query is selected. */
  row: number;
  headSize: number;
  onSelectRow: (row: number) => void;
  /** The engine no longer holds the sequence (a reloaded model, a prompt attached or taken off): open it again. */
  onGone?: () => void;
}

/** The last answer for this sequence, kept on screen while the next one (another step, head or row) is on its way. */
function useLatest(result: HeadResult | null, sequence: number): HeadResult | null {
  const kept = useRef<{ sequence: number; result: HeadResult } | null>(null);
  if (result) kept.current = { sequence, result };
  return kept.current?.sequence === sequence ? kept.current.result : null;
}

export function HeatmapView(props: HeadProps) {
  const { client, sequence, view, layer, head, row } = props;
  const n = view.positions.length;
  const win = heatmapWindow(n, row, DEFAULT_WINDOW);
  const params: HeadParams = { sequence, step: view.step, layer, head, row, window: win, overview: OVERVIEW_CELLS };
  const key = `${sequence}|${view.step}|${layer}|${head}|${row}|${win.start}|${win.size}`;
  const call = useEngineCall(client, 'attentionHead', params, key);
  const current = call.status === 'done' && call.key === key ? call.result : null;
  const shown = useLatest(current, sequence);
  useGone(call.status === 'error' && call.name === 'SequenceGone', props.onGone);
  if (call.status === 'error') return <p className="alert error" data-testid="attention-view-error">{call.message}</p>;
  return <HeadCharts {...props} data={shown} pending={current === null} />;
}

/** Calls `onGone` once when a view's call finds the sequence gone. */
export function useGone(gone: boolean, onGone: (() => void) | undefined): void {
  useEffect(() => {
    if (gone) onGone?.();
  }, [gone, onGone]);
}

function HeadCharts(props: HeadProps & { data: HeadResult | null; pending: boolean }) {
  const { seq, view, data } = props;
  const { t, i18n } = useTranslation('attention');
  const lang = i18n.language;
  // The answer's own step, layer, head and row: what is drawn, even while a newer one is on its way.
  const step = data?.step ?? view.step;
  const known = seq.promptLength + step;
  const keyStart = data ? (seq.steps[data.step]?.keyStart ?? 0) : (view.positions[0] ?? 0);
  const n = data?.size ?? 0;
  const row = data?.row ?? 0;
  const position = keyStart + row;
  const label = (p: number) => seq.tokens[p]?.text ?? '';
  const query = label(position);
  // Prompt learning's virtual columns come first in every chart of the head, labelled P0… (prefix) or V0… (input).
  const virtual = data?.virtual ?? null;
  const vCount = virtual?.count ?? 0;
  const vLabels = useMemo(() => virtualLabels(seq.virtual).slice(0, vCount), [seq.virtual, vCount, lang]);
  const vIds = useMemo(() => virtualIds(vCount), [vCount]);

  const heatmapData = useMemo<AttentionHeatmapData | null>(() => {
    if (!data) return null;
    const { start, size } = data.window;
    const ids = Array.from({ length: size }, (_, i) => keyStart + start + i);
    const labels = ids.map((p) => seq.tokens[p]?.text ?? '');
    const v = data.virtual;
    return {
      rowLabels: labels,
      colLabels: [...vLabels, ...labels],
      values: v ? prependColumns(v.window, v.count, data.window.values, size, size) : data.window.values,
      masked: v ? Uint8Array.from(prependColumns(new Uint8Array(size * v.count), v.count, data.window.masked, size, size)) : data.window.masked,
      rowIds: ids,
      colIds: [...vIds, ...ids],
      virtualCols: vCount,
      selectedRow: data.row >= start && data.row < start + size ? data.row - start : null,
      whole: { size: data.size, start, selected: data.row, selectedLabel: labels[data.row - start] ?? seq.tokens[keyStart + data.row]?.text ?? '', overview: data.overview },
    };
  }, [data, keyStart, seq.tokens, vLabels, vIds, vCount]);
  const select = useRef(props.onSelectRow);
  select.current = props.onSelectRow;
  const heatmapRef = useChart((el) => createAttentionHeatmap(el, { title: t('heatmap.chartTitle'), onSelectRow: (r) => select.current(r) }), heatmapData, [lang]);

  const allLabels = useMemo(() => (data ? Array.from({ length: data.size }, (_, i) => seq.tokens[keyStart + i]?.text ?? '') : []), [data, keyStart, seq.tokens]);
  const allIds = useMemo(() => allLabels.map((_, i) => keyStart + i), [allLabels, keyStart]);
  const barsData = useMemo<RowBarsData | null>(() => {
    if (!data) return null;
    const masked = Uint8Array.from({ length: vCount + data.size }, (_, k) => (k - vCount > data.row ? 1 : 0));
    const values = virtual ? Float32Array.from([...virtual.row, ...data.rowWeights]) : data.rowWeights;
    return { query, labels: [...vLabels, ...allLabels], values, masked, ids: [...vIds, ...allIds] };
  }, [data, query, allLabels, allIds, virtual, vCount, vLabels, vIds]);
  const barsRef = useChart(createRowBars, barsData, [lang]);

  const stagesData = useMemo<StagesData | null>(() => {
    if (!data) return null;
    const s = data.stages;
    const root = Math.sqrt(props.headSize);
    return {
      query,
      keyLabels: [...vLabels.slice(0, s.virtual), ...s.keys.map((p) => seq.tokens[p]?.text ?? '')],
      keyIds: [...virtualIds(s.virtual), ...s.keys],
      stages: [
        { id: 'qk', label: t('heatmap.stages.qk'), note: t('heatmap.stages.qkNote'), values: s.qk, kind: 'score' },
        { id: 'scaled', label: t('heatmap.stages.scaled'), note: t('heatmap.stages.scaledNote', { headSize: props.headSize, root: formatFixed(root, 2) }), values: s.scaled, kind: 'score' },
        { id: 'masked', label: t('heatmap.stages.masked'), note: t('heatmap.stages.maskedNote'), values: s.masked, kind: 'score' },
        { id: 'softmax', label: t('heatmap.stages.softmax'), note: t('heatmap.stages.softmaxNote'), values: s.weights, kind: 'weight' },
      ],
    };
  }, [data, props.headSize, query, seq.tokens, t, lang, vLabels]);
  const stagesRef = useChart(createStages, stagesData);

  const next = nextTokenAt(seq, { ...view, known }, position);
  const lensData = useMemo<LensData | null>(() => {
    if (!data) return null;
    const stages = data.lens;
    return {
      actualNext: next?.id ?? null,
      stages: stages.map((guesses, i) => ({
        label: i === 0 ? t('heatmap.lensEmbeddings') : i === stages.length - 1 ? t('heatmap.lensOutput', { block: i - 1 }) : t('heatmap.lensAfter', { block: i - 1 }),
        guesses,
      })),
    };
  }, [data, next, t, lang]);
  const lensRef = useChart(createLensStrip, lensData, [lang]);

  const rowSum = data ? [...data.rowWeights, ...(virtual?.row ?? [])].reduce((s, v) => s + v, 0) : 0;
  return (
    <div className="attn-heatmap-view">
      <figure
        className="attn-figure"
        data-testid="attention-heatmap"
        data-layer={data?.layer ?? ''}
        data-head={data?.head ?? ''}
        data-step={data?.step ?? ''}
        data-size={n}
        data-pending={props.pending}
      >
        <figcaption>
          {t('heatmap.caption', { layer: data?.layer ?? props.layer, head: data?.head ?? props.head })}
        </figcaption>
        <div className="chart attn-scroll" tabIndex={0} ref={heatmapRef} />
        <WeightLegend />
        {virtual && seq.virtual && <VirtualShare columns={seq.virtual} labels={vLabels} share={virtual.share} rows={n} />}
      </figure>

      <h3 className="attn-subhead">
        <Trans t={t} i18nKey="heatmap.rowOf" values={{ token: query, position }} components={{ tok: <span className="attn-token-inline" /> }} />
      </h3>
      <div className="chart" ref={barsRef} data-testid="attention-row" data-query={position} data-row-sum={rowSum} />
      {virtual && (
        <p className="muted small" data-testid="attention-row-virtual">
          {t('virtual.rowShare', { share: formatPercent(virtual.row.reduce((a, b) => a + b, 0)) })}
        </p>
      )}

      <h3 className="attn-subhead">{t('heatmap.stagesHeading')}</h3>
      <p className="muted small">
        {t('heatmap.stagesNote', { headSize: props.headSize })}
        {data && data.stages.keys.length < n && t('heatmap.stagesShort', { dense: formatNumber(DENSE_PREFILL) })}
      </p>
      <div className="chart attn-scroll" tabIndex={0} ref={stagesRef} data-testid="attention-stages" />

      <h3 className="attn-subhead">{t('heatmap.lensHeading')}</h3>
      <p className="muted small">
        {t('heatmap.lensNote')}
        {t('panel.gap')}
        {next ? (
          <Trans t={t} i18nKey="heatmap.lensNext" values={{ token: next.text }} components={{ tok: <span className="attn-token-inline" /> }} />
        ) : (
          t('heatmap.lensNotYet')
        )}
      </p>
      {lensData && lensData.stages.length === 0 && (
        <p className="notice" data-testid="attention-lens-missing">
          {t('heatmap.lensMissing')}
        </p>
      )}
      <div className="chart" ref={lensRef} data-testid="attention-lens" hidden={!lensData || lensData.stages.length === 0} />
    </div>
  );
}

function WeightLegend() {
  const { t } = useTranslation('attention');
  return (
    <div className="attn-legend" aria-hidden="true">
      <span>{t('heatmap.legendWeight')}</span>
      <span className="attn-legend-ramp" />
      <span>1</span>
      <span className="attn-legend-masked" />
      <span>{t('heatmap.legendMasked')}</span>
    </div>
  );
}
