// Where loading has got to (a progress bar with bytes and stage), which
// TensorFlow.js backend runs and why (and which could not start), and whether
// the page now works offline.

import { useEffect } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { EngineClient } from '../engine/client.ts';
import type { BackendReport, EngineMemory, LoadEvent, LoadStage, ModelInfo } from '../engine/protocol.ts';
import type { LoadState, Said } from './useEngine.ts';
import { formatBytes, formatCount, formatFixed, formatNumber } from './format.ts';
import { BACKEND_LABEL, BackendVerdictLine } from './backendVerdictLine.tsx';

const STAGE_KEY = {
  config: 'load.stage.config',
  tokenizer: 'load.stage.tokenizer',
  weights: 'load.stage.weights',
  building: 'load.stage.building',
  'warming-up': 'load.stage.warmingUp',
} as const satisfies Record<LoadStage, string>;

function progressText(p: LoadEvent | null, t: TFunction<'common'>): { label: string; fraction: number | null } {
  if (!p) return { label: t('load.startingEngine'), fraction: null };
  const bytes = p.totalBytes
    ? t('load.bytesOf', { loaded: formatBytes(p.loadedBytes), total: formatBytes(p.totalBytes) })
    : p.loadedBytes > 0
      ? formatBytes(p.loadedBytes)
      : '';
  const label = `${t(STAGE_KEY[p.stage])}${bytes ? ` — ${bytes}` : ''}`;
  // Weights dominate the download, so the bar tracks them; the stages around them are short.
  const order: LoadStage[] = ['config', 'tokenizer', 'weights', 'building', 'warming-up'];
  const base = { config: 0, tokenizer: 0.03, weights: 0.06, building: 0.92, 'warming-up': 0.96 }[p.stage];
  const within = p.stage === 'weights' && p.totalBytes ? (p.loadedBytes / p.totalBytes) * 0.86 : 0;
  return { label, fraction: order.includes(p.stage) ? base + within : null };
}

/**
 * Why this backend runs, in the reader's language, from the engine's codes
 * (src/engine/backend.ts, backendOrder): why the first choice was first, and,
 * when it could not start, that another runs instead.
 */
function backendReason(report: BackendReport, t: TFunction<'common'>): string {
  const { why } = report;
  const first =
    why.code === 'asked'
      ? t('load.why.asked', { backend: why.backend })
      : why.code === 'webgpu'
        ? t('load.why.webgpu', { adapter: why.adapter })
        : why.code === 'noWebgl'
          ? t('load.why.noWebgl')
          : why.code === 'measured'
            ? t('load.why.measured', { backend: BACKEND_LABEL[why.backend] })
            : t(`load.why.${why.code}`, { renderer: why.renderer });
  const wanted = report.unavailable[0];
  return wanted ? t('load.why.instead', { why: first, wanted: BACKEND_LABEL[wanted.backend], backend: BACKEND_LABEL[report.backend] }) : first;
}

/** How many threads wasm runs, and why not more: not isolated, auto on few cores, the link's threads=, or a cap at the device's cores. */
function threadsText(report: BackendReport, t: TFunction<'common'>): string {
  const count = report.threads ?? 1;
  const cores = report.logicalCores ?? count;
  const asked = report.threadsAsked ?? 'auto';
  if (count > 1) return t('load.threads', { count }) + (typeof asked === 'number' && asked > count ? t('load.threadsCapped', { asked, cores }) : '');
  if (!report.isolated) return t('load.oneThread');
  return asked === 'auto' ? t('load.oneThreadAuto', { cores }) : t('load.oneThreadAsked');
}

export function LoadStatus(props: {
  load: LoadState;
  /** The model in use (it stays while another loads, and when that fails). */
  active: ModelInfo | null;
  notice: Said | null;
  backend: BackendReport | null;
  /** The engine: `auto`'s measurement times the backend it runs on its loaded model (backendVerdict.ts). */
  client?: EngineClient | null;
  offlineReady: boolean;
  memory: EngineMemory | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { load, backend, active } = props;
  const { t } = useTranslation();
  const inUse = load.status === 'ready' ? load.model : active;
  // The end of the page-ready timeline (bench/page-ready.ts): the first model is on screen, warmed up.
  useEffect(() => {
    if (load.status === 'ready' && performance.getEntriesByName('playground:ready').length === 0) performance.mark('playground:ready');
  }, [load.status]);
  return (
    <section className="card status" aria-live="polite" data-testid="load-status" data-state={load.status}>
      {(load.status === 'starting' || load.status === 'loading') && <Progress load={load} onCancel={props.onCancel} />}
      {load.status === 'confirm' && (
        <div className="alert warning" role="alert" data-testid="confirm-download">
          <Trans
            t={t}
            i18nKey="load.confirm"
            values={{ name: load.name, size: formatBytes(load.sizeBytes) }}
            components={{ b: <strong />, size: <strong data-testid="download-size" /> }}
          />{' '}
          <span className="buttons">
            <button type="button" className="primary" data-testid="confirm-download-yes" onClick={props.onConfirm}>
              {t('actions.download')}
            </button>
            <button type="button" data-testid="confirm-download-no" onClick={props.onCancel}>
              {t('actions.cancel')}
            </button>
          </span>
          {active && t('load.untilThen', { name: active.name })}
        </div>
      )}
      {load.status === 'error' && (
        <div className="alert error" role="alert">
          <strong>{t('load.failed')}</strong> {load.message()}
          {/models\/shakespeare\/.*(no model|missing|404)|(no model|missing|404).*models\/shakespeare\//i.test(load.message()) && (
            <>
              {t('load.standIn')}
              <a href="#model=dev-tiny">#model=dev-tiny</a>
            </>
          )}
        </div>
      )}
      {props.notice && (
        <p className="alert warning" role="status" data-testid="load-notice">
          {props.notice()}
        </p>
      )}
      {inUse && (
        <p className="ready-line" data-testid="model-ready">
          <span className="dot ok" aria-hidden="true" />
          <Trans
            t={t}
            i18nKey={load.status === 'ready' ? 'load.ready' : 'load.inUse'}
            values={{
              name: inUse.name,
              // Sizes of the architecture, written as configs write them (context 1024, not 1,024).
              layers: inUse.config.nLayer,
              heads: inUse.config.nHead,
              width: inUse.config.nEmbd,
              context: inUse.config.blockSize,
              params: formatCount(inUse.parameterCount),
            }}
            components={{ b: <strong /> }}
          />
          {inUse.training?.valLossPerToken != null && t('load.valLoss', { loss: formatFixed(inUse.training.valLossPerToken, 2) })}
          {t('load.end')}
          {props.offlineReady && (
            <span className="chip" data-testid="offline-ready">
              {t('load.offline')}
            </span>
          )}
          {inUse.from === 'cache' && (
            <span className="chip" data-testid="from-cache">
              {t('load.fromCache')}
            </span>
          )}
          {inUse.ref.startsWith('local:') && <span className="chip">{t('load.thisVisit')}</span>}
        </p>
      )}
      {backend?.unavailable.map((u) => (
        <p key={u.backend} className="alert warning" role="status" data-testid="backend-unavailable" data-code={u.code}>
          {t(`load.unavailable.${u.code}`, { backend: BACKEND_LABEL[u.backend], message: u.message })}{' '}
          {t('load.runsInstead', { backend: BACKEND_LABEL[backend.backend] })}
        </p>
      ))}
      <p className="backend-line" data-testid="backend">
        {backend ? (
          <>
            <Trans
              t={t}
              i18nKey="load.backend"
              values={{ backend: BACKEND_LABEL[backend.backend], reason: backendReason(backend, t) }}
              components={{ b: <strong data-testid="backend-name" /> }}
            />
            {backend.webgpuAdapter && (
              <span className="adapter" data-testid="backend-adapter" data-software={backend.webgpuAdapter.software}>
                {t(backend.webgpuAdapter.software ? 'load.adapterSoftware' : 'load.adapter', { adapter: backend.webgpuAdapter.name })}
              </span>
            )}
            {backend.threads !== undefined && (
              <span className="threads" data-testid="backend-threads" data-threads={backend.threads} data-isolated={backend.isolated}>
                {threadsText(backend, t)}
              </span>
            )}
            {props.memory && (
              <span className="memory" data-testid="memory" data-tensors={props.memory.numTensors}>
                {t('load.memory', { tensors: formatNumber(props.memory.numTensors), bytes: formatBytes(props.memory.numBytes) })}
              </span>
            )}
          </>
        ) : (
          t('load.choosingBackend')
        )}
      </p>
      <BackendVerdictLine client={props.client ?? null} backend={backend} model={inUse} />
    </section>
  );
}

function Progress(props: { load: LoadState; onCancel: () => void }) {
  const { t } = useTranslation();
  const progress = props.load.status === 'loading' ? props.load.progress : null;
  const name = props.load.status === 'loading' ? props.load.name : t('load.theEngine');
  const { label, fraction } = progressText(progress, t);
  return (
    <div className="progress-block" data-testid="progress">
      <div className="progress-label">
        <Trans t={t} i18nKey="load.loading" values={{ name }} components={{ b: <strong /> }} />
        <span data-testid="progress-text">{label}</span>
        {props.load.status === 'loading' && (
          <button type="button" className="link" data-testid="cancel-load" onClick={props.onCancel}>
            {t('actions.cancel')}
          </button>
        )}
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={t('load.loadingLabel', { name })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
        aria-valuetext={label}
      >
        <div className={`progress-fill${fraction === null ? ' indeterminate' : ''}`} style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}
