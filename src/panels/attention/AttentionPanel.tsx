// The Attention panel: a prompt stepped through one generated token at a
// time, and for the newest (or any selected) token, where every head of every
// layer looks. Views: one head's heatmap with its stages and the logit lens,
// the lines of a layer's heads, every head at once, and the masks lesson;
// below them, long inputs. The engine keeps the traced rows; each view asks it
// for what it draws.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { PanelProps } from '../panelProps.ts';
import { ATTENTION_VIEWS, clampToModel } from '../../state/schema.ts';
import { explanationFor } from '../../lessons/explanationsByLocale.ts';
import { isLocale } from '../../i18n/index.ts';
import type { Notice } from '../../sampling/notices.ts';
import { Panel } from '../Panel.tsx';
import { stepView, rowOf } from './frames.ts';
import { describeStepping, sequenceKey, steppingSettings } from './settings.ts';
import { useSequence } from './useSequence.ts';
import { SPEEDS, StepControls } from './StepControls.tsx';
import { SequenceText } from './SequenceText.tsx';
import { HeatmapView } from './HeatmapView.tsx';
import { HeadLinesView } from './HeadLinesView.tsx';
import { GridView } from './GridView.tsx';
import { MasksView } from './MasksView.tsx';
import { LongInputs } from './LongInputs.tsx';
import { noticeText } from '../noticeText.ts';
import { formatNumber } from '../format.ts';

/** The schema's largest step. */
const MAX_STEP = 1000;

export function AttentionPanel({ client, state, set, model }: PanelProps) {
  const shown = model ? clampToModel(state, model.config) : state;
  const { layer, head } = shown;
  const active = state.panel === 'attention' && model !== null;
  const { t, i18n } = useTranslation('attention');
  const lang = i18n.language;
  // The notes are sentences in the locale in force: made again when it changes.
  const stepping = useMemo(() => steppingSettings(state), [state, lang]);
  const key = model ? sequenceKey(state, model.name) : '';
  const { seq, busy, progress, error, reopen } = useSequence({
    client,
    active,
    key,
    prompt: state.prompt,
    settings: stepping.settings,
    seed: state.seed,
    step: state.step,
  });

  const [playing, setPlaying] = useState(false);
  const [speedMs, setSpeedMs] = useState<number>(SPEEDS[1].ms);
  /** The long-inputs section is drawn only while open: its charts need not follow every step. */
  const [longOpen, setLongOpen] = useState(false);
  const have = seq?.steps.length ?? 0;
  // Playing: one step per tick, each only once the last one has arrived.
  useEffect(() => {
    if (!playing || !seq || busy || error) return;
    if (state.step >= MAX_STEP) {
      setPlaying(false);
      return;
    }
    if (state.step > have - 1) return;
    const timer = setTimeout(() => set('step', state.step + 1), speedMs);
    return () => clearTimeout(timer);
  }, [playing, seq, busy, error, state.step, have, speedMs, set]);
  useEffect(() => {
    if (!active) setPlaying(false);
  }, [active]);

  // The step on screen: the link's step once its frames are here, else the last one that is.
  const view = useMemo(() => (seq && seq.key === key ? stepView(seq, Math.min(state.step, seq.steps.length - 1)) : null), [seq, key, state.step]);
  const row = view ? rowOf(view, state.query) : 0;
  const onSelectRow = useCallback(
    (r: number) => {
      if (!view) return;
      set('query', r === view.positions.length - 1 ? -1 : view.positions[r]);
    },
    [view, set],
  );
  const onSelectPosition = useCallback(
    (position: number) => {
      if (!view) return;
      set('query', position === view.known - 1 ? -1 : position);
    },
    [view, set],
  );

  const config = model?.config ?? null;
  const headSize = config ? config.nEmbd / config.nHead : 0;
  // 'ready' only once the link's step is on screen: a step asked for but not yet generated counts as stepping.
  const behind = view !== null && state.step > view.step;
  const status = error ? 'error' : busy === 'opening' || (!view && active) ? 'loading' : busy === 'stepping' || behind ? 'stepping' : view ? 'ready' : 'idle';

  return (
    <Panel id="attention" title={t('panel.title')} explanation={<Explanation config={config} />}>
      <div
        className="attn"
        data-testid="attention-state"
        data-status={status}
        data-step={view?.step ?? ''}
        data-frames={have}
        data-size={view?.positions.length ?? ''}
        data-stored-bytes={seq?.storedBytes ?? ''}
      >
        <p className="attn-summary">
          <Trans
            t={t}
            i18nKey="panel.showing"
            values={{ layer, head }}
            components={{ layer: <b data-testid="setting-layer" />, head: <b data-testid="setting-head" /> }}
          />
          {config && t('panel.ofModel', { nLayer: config.nLayer, nHead: config.nHead, headSize, how: describeStepping(state) })}
        </p>

        {!model && <p className="muted">{t('panel.waiting')}</p>}

        {config && (
          <div className="controls attn-controls">
            <label className="field">
              <span className="field-label">{t('panel.layer')}</span>
              <select value={layer} data-testid="attention-layer" onChange={(e) => set('layer', Number(e.target.value))}>
                {Array.from({ length: config.nLayer }, (_, l) => (
                  <option key={l} value={l}>
                    {t('panel.layerOption', { layer: l })}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('panel.head')}</span>
              <select value={head} data-testid="attention-head" onChange={(e) => set('head', Number(e.target.value))}>
                {Array.from({ length: config.nHead }, (_, h) => (
                  <option key={h} value={h}>
                    {t('panel.headOption', { head: h })}
                  </option>
                ))}
              </select>
            </label>
            <fieldset className="field segmented attn-views" data-testid="attention-views">
              <legend className="field-label">{t('panel.view')}</legend>
              {ATTENTION_VIEWS.map((v) => (
                <button
                  type="button"
                  key={v}
                  className={state.attentionView === v ? 'attn-view selected' : 'attn-view'}
                  aria-pressed={state.attentionView === v}
                  data-testid={`attention-view-${v}`}
                  onClick={() => set('attentionView', v)}
                >
                  {t(`panel.views.${v}`)}
                </button>
              ))}
            </fieldset>
          </div>
        )}

        {config && (
          <StepControls
            step={state.step}
            generated={busy === 'opening' ? (progress?.done ?? 0) : Math.max(0, have - 1)}
            shown={view?.step ?? null}
            failed={error !== null}
            max={MAX_STEP}
            busy={busy !== null}
            disabled={!seq || error !== null}
            playing={playing}
            speedMs={speedMs}
            onStep={(s) => set('step', s)}
            onPlaying={setPlaying}
            onSpeed={setSpeedMs}
          />
        )}

        {error && (
          <p className={error.name === 'EmptyPrompt' ? 'alert warning' : 'alert error'} role="alert" data-testid="attention-error">
            {error.name === 'EmptyPrompt' ? t('panel.emptyPrompt') : error.message}
          </p>
        )}
        {busy === 'opening' && (
          <p className="muted" data-testid="attention-progress">
            {progress ? t('panel.progress', { total: formatNumber(progress.total), done: formatNumber(progress.done) }) : t('panel.running')}
          </p>
        )}

        {seq && view && (
          <>
            <Notices notes={stepping.notes} notices={seq.notices} fallback={seq.fallback} />
            <SequenceText
              tokens={seq.tokens}
              picks={seq.picks}
              promptLength={seq.promptLength}
              known={view.known}
              windowStart={view.positions[0]}
              selected={view.positions[row]}
              onSelect={onSelectPosition}
            />
            {config && state.attentionView === 'heatmap' && (
              <HeatmapView client={client} sequence={seq.id} seq={seq} view={view} layer={layer} head={head} row={row} headSize={headSize} onSelectRow={onSelectRow} onGone={reopen} />
            )}
            {config && state.attentionView === 'lines' && (
              <HeadLinesView client={client} sequence={seq.id} seq={seq} view={view} layer={layer} head={head} nHead={config.nHead} row={row} onHead={(h) => set('head', h)} onSelectRow={onSelectRow} />
            )}
            {config && state.attentionView === 'grid' && (
              <GridView
                client={client}
                sequence={seq.id}
                view={view}
                virtual={seq.virtual ?? null}
                onGone={reopen}
                nLayer={config.nLayer}
                nHead={config.nHead}
                layer={layer}
                head={head}
                onOpen={(l, h) => {
                  set('layer', l);
                  set('head', h);
                  set('attentionView', 'heatmap');
                }}
                modelKey={model?.name ?? ''}
                seed={state.seed}
                prompt={state.prompt}
                maxNewTokens={state.maxNewTokens}
                ablateText={state.ablate}
                onAblateText={(text) => set('ablate', text)}
              />
            )}
            {config && state.attentionView === 'masks' && (
              <MasksView client={client} seq={seq} view={view} layer={layer} head={head} mask={state.mask} onMask={(m) => set('mask', m)} />
            )}
          </>
        )}

        {config && model && (
          <details className="attn-details" data-testid="attention-long-details" onToggle={(e) => setLongOpen(e.currentTarget.open)}>
            <summary>{t('panel.longInputs')}</summary>
            {longOpen && (
              <LongInputs
                config={config}
                parameterCount={model.parameterCount}
                sequenceLength={view?.known ?? 1}
                promptTokenCount={seq?.promptTokenCount ?? null}
                client={client}
                prompt={state.prompt}
              />
            )}
          </details>
        )}
      </div>
    </Panel>
  );
}

function Notices(props: { notes: string[]; notices: Notice[]; fallback: { char: string; tokens: string[] }[] }) {
  const { notes, notices, fallback } = props;
  const { t } = useTranslation('attention');
  if (notes.length + notices.length + fallback.length === 0) return null;
  return (
    <div className="attn-notices" data-testid="attention-notices">
      {[...notes, ...notices.map(noticeText)].map((n) => (
        <p key={n} className="notice">
          {n}
        </p>
      ))}
      {fallback.length > 0 && (
        <p className="notice" data-testid="attention-byte-fallback">
          {t('notices.fallbackLead')}
          {t('panel.gap')}
          {fallback.map((f, i) => (
            <span key={f.char}>
              {i > 0 && t('notices.listSeparator')}“{f.char}” → {f.tokens.map((token, j) => <code key={j}>{token}</code>)}
            </span>
          ))}
          {t('notices.fallbackBody')}
        </p>
      )}
    </div>
  );
}

function Explanation({ config }: { config: { nLayer: number; nHead: number; nEmbd: number; blockSize: number } | null }) {
  const { t, i18n } = useTranslation('attention');
  const explanation = explanationFor('attention', isLocale(i18n.language) ? i18n.language : 'en');
  return (
    <>
      {config && (
        <p>
          <em>
            {t('panel.thisModel', {
              nLayer: config.nLayer,
              nHead: config.nHead,
              headSize: config.nEmbd / config.nHead,
              blockSize: formatNumber(config.blockSize),
            })}
          </em>
        </p>
      )}
      {explanation.paragraphs.map((p) => (
        <p key={p.slice(0, 40)}>{p}</p>
      ))}
    </>
  );
}
