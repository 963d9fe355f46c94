// Long inputs: how attention's time and memory grow with the number of tokens
// (and how FlashAttention keeps the memory linear), what this panel does past
// the context window, and chunking with overlap — with the model's own loss on
// the prompt read through windows side by side and overlapping.

import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { GPTConfig } from '../../model/config.ts';
import { LLAMA_7B } from '../../lessons/costs.ts';
import { createCostChart, formatBytesShort } from '../../charts/attention/costChart.ts';
import { createChunkDiagram, type ChunkDiagramData } from '../../charts/attention/chunkDiagram.ts';
import { LLAMA_CONTEXT, type LongTextScore, chunkPlan, costSeries, longInputNumbers, scoreLongText, shapeOf } from './longInputCosts.ts';
import { useChart } from '../ChartView.tsx';
import { errorText } from '../errorText.ts';
import { formatFixed, formatNumber } from '../format.ts';

export function LongInputs(props: {
  config: GPTConfig;
  parameterCount: number;
  sequenceLength: number;
  promptTokenCount: number | null;
  /** The engine and the prompt, to score the prompt when it is longer than the window (absent: no scoring). */
  client?: EngineClient | null;
  prompt?: string;
}) {
  const { config, sequenceLength } = props;
  const { t, i18n } = useTranslation('attention');
  const lang = i18n.language;
  // The series' labels are written in the locale in force: made again when it changes.
  const shape = useMemo(() => shapeOf(config, props.parameterCount), [config, props.parameterCount, lang]);
  const costs = useMemo(() => costSeries(shape, config.blockSize, Math.max(1, sequenceLength)), [shape, config.blockSize, sequenceLength, lang]);
  const costRef = useChart((el) => createCostChart(el, t('long.chartTitle')), costs, [lang]);
  const numbers = longInputNumbers(shape, config.blockSize);
  const plan = useMemo(() => chunkPlan(props.promptTokenCount ?? 0, config.blockSize), [props.promptTokenCount, config.blockSize]);
  const chunkData = useMemo<ChunkDiagramData>(() => ({ length: plan.length, chunks: plan.chunks }), [plan]);
  const chunkRef = useChart(createChunkDiagram, chunkData, [lang]);
  const n = config.blockSize;
  const context = formatNumber(LLAMA_CONTEXT);
  const tokens = (bytes: number, count: number) => t('long.tokens', { bytes: formatBytesShort(bytes), n: formatNumber(count) });

  return (
    <div className="attn-long" data-testid="attention-long">
      <h3 className="attn-subhead">{t('long.squareHeading')}</h3>
      <p className="small">
        {t('long.square')}
        {t('panel.gap')}
        {t('long.squareFlash', {
          flash: formatBytesShort(numbers.flashWindow7b),
          contextLength: context,
          model: LLAMA_7B.name,
          matrix: formatBytesShort(numbers.matrixWindow7b),
        })}
      </p>
      <table className="attn-table compact" data-testid="attention-costs">
        <thead>
          <tr>
            <td />
            <th>{t('long.thisModelColumn', { nLayer: config.nLayer, nHead: config.nHead, nEmbd: config.nEmbd })}</th>
            <th>{t('long.bigModelColumn', { model: LLAMA_7B.name })}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{t('long.kvPerToken')}</td>
            <td data-testid="kv-per-token">{formatBytesShort(numbers.kvPerTokenSmall)}</td>
            <td>{formatBytesShort(numbers.kvPerToken7b)}</td>
          </tr>
          <tr>
            <td>{t('long.kvWindow')}</td>
            <td>{tokens(numbers.kvWindowSmall, n)}</td>
            <td>{tokens(numbers.kvWindow7b, LLAMA_CONTEXT)}</td>
          </tr>
          <tr>
            <td>{t('long.matrix')}</td>
            <td>{formatBytesShort(numbers.matrixWindowSmall)}</td>
            <td>{formatBytesShort(numbers.matrixWindow7b)}</td>
          </tr>
          <tr>
            <td>{t('long.flash')}</td>
            <td>{t('long.notUsed')}</td>
            <td data-testid="flash-window-7b">{formatBytesShort(numbers.flashWindow7b)}</td>
          </tr>
        </tbody>
      </table>
      <div className="chart" ref={costRef} data-testid="attention-cost-chart" />

      <h3 className="attn-subhead">{t('long.windowHeading')}</h3>
      <p className="small" data-testid="attention-window-policy">
        <Trans
          t={t}
          i18nKey="long.window"
          values={{ n: formatNumber(n), last: formatNumber(n - 1), model: LLAMA_7B.name, contextLength: context, kept: formatNumber(Math.floor(n / 2)) }}
          components={{ b: <strong /> }}
        />
      </p>

      <h3 className="attn-subhead">{t('long.chunkHeading')}</h3>
      <p className="small">
        {plan.example ? t('long.chunkExample', { length: formatNumber(plan.length) }) : t('long.chunkPrompt', { length: formatNumber(plan.length) })}
        {t('long.chunk', { n: formatNumber(n), overlap: formatNumber(plan.overlap) })}
      </p>
      <div className="chart" ref={chunkRef} data-testid="attention-chunks" />
      <ScoredChunks client={props.client ?? null} prompt={props.prompt ?? ''} windowSize={n} longEnough={(props.promptTokenCount ?? 0) > n} />
    </div>
  );
}

type Scoring = { status: 'idle' } | { status: 'running' } | { status: 'done'; score: LongTextScore } | { status: 'error'; message: string };

/** The prompt's mean loss per token, read in windows side by side and overlapping: the two numbers the inputLength lesson compares. */
function ScoredChunks(props: { client: EngineClient | null; prompt: string; windowSize: number; longEnough: boolean }) {
  const { client, prompt, windowSize, longEnough } = props;
  const { t } = useTranslation('attention');
  const [scoring, setScoring] = useState<Scoring>({ status: 'idle' });
  // A result belongs to the text it scored.
  useEffect(() => setScoring({ status: 'idle' }), [prompt, windowSize]);
  const score = () => {
    if (!client) return;
    setScoring({ status: 'running' });
    scoreLongText(prompt, windowSize, (method, params) => client.call(method, params).result).then(
      (s) => setScoring({ status: 'done', score: s }),
      (e: unknown) => setScoring({ status: 'error', message: errorText(e) }),
    );
  };
  const nats = (x: number) => (Number.isFinite(x) ? formatFixed(x, 3) : '—');
  return (
    <div className="attn-scored" data-testid="attention-chunk-score">
      <p className="small">{t('long.scoreIntro')}</p>
      <div className="buttons">
        <button type="button" onClick={score} disabled={!client || !longEnough || scoring.status === 'running'} data-testid="attention-chunk-score-run">
          {scoring.status === 'running' ? t('long.scoring') : t('long.scoreRun')}
        </button>
      </div>
      {!longEnough && <p className="hint small">{t('long.scoreNeedsLong', { n: formatNumber(windowSize) })}</p>}
      {scoring.status === 'error' && <p className="error">{scoring.message}</p>}
      {scoring.status === 'done' && (
        <table className="attn-table compact" data-testid="attention-chunk-score-table">
          <tbody>
            <tr>
              <td>{t('long.scoreNoOverlap', { windows: formatNumber(scoring.score.windowsNoOverlap) })}</td>
              <td data-testid="chunk-loss-no-overlap" data-value={scoring.score.noOverlap}>{nats(scoring.score.noOverlap)}</td>
            </tr>
            <tr>
              <td>{t('long.scoreOverlap', { windows: formatNumber(scoring.score.windowsOverlap), overlap: formatNumber(scoring.score.overlapTokens) })}</td>
              <td data-testid="chunk-loss-overlap" data-value={scoring.score.overlap}>{nats(scoring.score.overlap)}</td>
            </tr>
          </tbody>
        </table>
      )}
      {scoring.status === 'done' && (
        <p className="muted small">{t('long.scoreNote', { tokens: formatNumber(scoring.score.tokens), length: formatNumber(scoring.score.length) })}</p>
      )}
    </div>
  );
}
