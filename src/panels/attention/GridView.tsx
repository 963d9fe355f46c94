// Every head of every layer at this step (BertViz's model view), each with a
// few words on where its weight mostly goes; a click opens the head. The
// thumbnails are averaged in the worker: GPT-2's 144 heads at 1,024 tokens are
// 151 million weights, of which the page receives 144 × 110². Induction and
// previous-token heads are marked, switched-off heads faded; the scores and
// the switches sit below (HeadsLab).

import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { GridParams, GridResult } from '../../engine/attentionProtocol.ts';
import { createHeadGrid, type GridData } from '../../charts/attention/grid.ts';
import { type StepView, describeHabit, virtualLabels } from './frames.ts';
import type { VirtualColumns } from '../../engine/attentionProtocol.ts';
import { useChart } from '../ChartView.tsx';
import { useEngineCall } from '../useEngineCall.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { type HeadRef, formatHeadList, sameHead } from '../../model/ablation.ts';
import { headBadges, heldHeads } from './headMarks.ts';
import { HeadsLab, useHeadScores } from './HeadsLab.tsx';
import { useGone } from './HeatmapView.tsx';

/** Cells per thumbnail side: one pixel each in a thumbnail of the grid (a longer window is averaged into them). */
export const THUMB_CELLS = 110;

export function GridView(props: {
  client: EngineClient | null;
  sequence: number;
  view: StepView;
  /** Prompt learning's virtual tokens the sequence's rows read (null: none). */
  virtual: VirtualColumns | null;
  /** The engine no longer holds the sequence: open it again. */
  onGone?: () => void;
  nLayer: number;
  nHead: number;
  layer: number;
  head: number;
  onOpen: (layer: number, head: number) => void;
  /** The loaded model's name: the head scores are its own. */
  modelKey: string;
  /** Seeds the random tokens the heads are scored on. */
  seed: number;
  prompt: string;
  maxNewTokens: number;
  /** Heads switched off as the link writes them ("1.2,3.0"), and how to change them. */
  ablateText: string;
  onAblateText: (text: string) => void;
}) {
  const { view, nLayer, nHead, layer, head, sequence } = props;
  const { t, i18n } = useTranslation('attention');
  const lang = i18n.language;
  const params: GridParams = { sequence, step: view.step, side: THUMB_CELLS };
  const key = `${sequence}|${view.step}`;
  const call = useEngineCall(props.client, 'attentionGrid', params, key);
  const fresh = call.status === 'done' && call.key === key ? call.result : null;
  useGone(call.status === 'error' && call.name === 'SequenceGone', props.onGone);
  // The last answer stays drawn while the next step's is on its way.
  const kept = useRef<{ sequence: number; result: GridResult } | null>(null);
  if (fresh) kept.current = { sequence, result: fresh };
  const result = kept.current?.sequence === sequence ? kept.current.result : null;
  const scores = useHeadScores(props.client, props.modelKey, props.seed);
  const scored = scores.run?.result ?? null;
  const ablate = useMemo(() => heldHeads(props.ablateText, nLayer, nHead), [props.ablateText, nLayer, nHead]);
  const onAblate = (heads: HeadRef[]) => props.onAblateText(formatHeadList(heads));
  const data = useMemo<GridData | null>(
    () =>
      result && {
        size: result.thumbSize,
        heads: result.heads.map((h) => {
          const score = scored?.heads.find((s) => sameHead(s, h));
          return {
            layer: h.layer,
            head: h.head,
            values: h.values,
            masked: h.masked,
            // With a prompt attached, each head also says how much it reads it (unless that is already its habit).
            caption:
              h.virtual && h.habit.kind !== 'virtual'
                ? `${describeHabit(h.habit)} · ${t('grid.virtualShare', { share: formatPercent(h.virtual.share, 0) })}`
                : describeHabit(h.habit),
            virtual: h.virtual ?? undefined,
            badges: score ? headBadges(score) : [],
            off: ablate.some((a) => sameHead(a, h)),
          };
        }),
        selected: { layer, head },
      },
    [result, layer, head, lang, scored, ablate, t], // the captions are words of the locale in force
  );
  const open = useRef(props.onOpen);
  open.current = props.onOpen;
  const ref = useChart((el) => createHeadGrid(el, (l, h) => open.current(l, h)), data);
  const n = result?.size ?? view.positions.length;
  const labels = virtualLabels(props.virtual);
  return (
    <figure className="attn-figure" data-testid="attention-grid" data-step={result?.step ?? ''} data-size={n} data-pending={fresh === null}>
      <figcaption>
        {t('grid.caption', { count: nLayer * nHead })}
        {n > THUMB_CELLS && t('grid.averaged', { n: formatNumber(n), cells: THUMB_CELLS })}
        {props.virtual && <span data-testid="attention-grid-virtual">{t('grid.virtual', { count: props.virtual.count, first: labels[0], last: labels.at(-1) })}</span>}
      </figcaption>
      {call.status === 'error' && <p className="alert error">{call.message}</p>}
      {!result && call.status === 'running' && <p className="muted">{t('grid.reading')}</p>}
      <div className="chart" ref={ref} />
      <HeadsLab client={props.client} scores={scores.run} ablate={ablate} onAblate={onAblate} prompt={props.prompt} maxNewTokens={props.maxNewTokens} />
    </figure>
  );
}
