// Where loading has got to (a progress bar with bytes and stage), which
// TensorFlow.js backend runs and why, and whether the page now works offline.

import type { BackendReport, EngineMemory, LoadEvent, LoadStage, ModelInfo } from '../engine/protocol.ts';
import type { LoadState } from './useEngine.ts';
import { formatBytes, formatCount } from './format.ts';

const STAGE_TEXT: Record<LoadStage, string> = {
  config: 'Reading the model configuration',
  tokenizer: 'Reading the tokenizer',
  weights: 'Downloading the weights',
  building: 'Building the model',
  'warming-up': 'Running a first forward pass',
};

function progressText(p: LoadEvent | null): { label: string; fraction: number | null } {
  if (!p) return { label: 'Starting the engine', fraction: null };
  const bytes = p.totalBytes ? `${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)}` : p.loadedBytes > 0 ? formatBytes(p.loadedBytes) : '';
  const label = `${STAGE_TEXT[p.stage]}${bytes ? ` — ${bytes}` : ''}`;
  // Weights dominate the download, so the bar tracks them; the stages around them are short.
  const order: LoadStage[] = ['config', 'tokenizer', 'weights', 'building', 'warming-up'];
  const base = { config: 0, tokenizer: 0.03, weights: 0.06, building: 0.92, 'warming-up': 0.96 }[p.stage];
  const within = p.stage === 'weights' && p.totalBytes ? (p.loadedBytes / p.totalBytes) * 0.86 : 0;
  return { label, fraction: order.includes(p.stage) ? base + within : null };
}

export function LoadStatus(props: {
  load: LoadState;
  /** The model in use (it stays while another loads, and when that fails). */
  active: ModelInfo | null;
  notice: string | null;
  backend: BackendReport | null;
  offlineReady: boolean;
  memory: EngineMemory | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { load, backend, active } = props;
  const inUse = load.status === 'ready' ? load.model : active;
  return (
    <section className="card status" aria-live="polite" data-testid="load-status" data-state={load.status}>
      {(load.status === 'starting' || load.status === 'loading') && <Progress load={load} onCancel={props.onCancel} />}
      {load.status === 'confirm' && (
        <div className="alert warning" role="alert" data-testid="confirm-download">
          <strong>{load.name}</strong> is a download of <strong data-testid="download-size">{formatBytes(load.sizeBytes)}</strong>. It is kept in this
          browser afterwards, so later visits read it from disk.{' '}
          <span className="buttons">
            <button type="button" className="primary" data-testid="confirm-download-yes" onClick={props.onConfirm}>
              Download
            </button>
            <button type="button" data-testid="confirm-download-no" onClick={props.onCancel}>
              Cancel
            </button>
          </span>
          {active && <> Until then every panel keeps using {active.name}.</>}
        </div>
      )}
      {load.status === 'error' && (
        <div className="alert error" role="alert">
          <strong>The model did not load.</strong> {load.message}
          {/models\/shakespeare\/.*(no model|missing|404)|(no model|missing|404).*models\/shakespeare\//i.test(load.message) && (
            <> While the embedded model is still being trained, a small stand-in works: <a href="#model=dev-tiny">#model=dev-tiny</a>.</>
          )}
        </div>
      )}
      {props.notice && (
        <p className="alert warning" role="status" data-testid="load-notice">
          {props.notice}
        </p>
      )}
      {inUse && (
        <p className="ready-line" data-testid="model-ready">
          <span className="dot ok" aria-hidden="true" />
          <strong>{inUse.name}</strong> {load.status === 'ready' ? 'is ready' : 'is in use'}: {inUse.config.nLayer} layers × {inUse.config.nHead} heads, width{' '}
          {inUse.config.nEmbd}, context {inUse.config.blockSize} tokens, {formatCount(inUse.parameterCount)} parameters
          {inUse.training?.valLossPerToken != null && (
            <>, validation loss {inUse.training.valLossPerToken.toFixed(2)} nats/token</>
          )}
          .{props.offlineReady && <span className="chip" data-testid="offline-ready">works offline</span>}
          {inUse.from === 'cache' && <span className="chip" data-testid="from-cache">read from this browser's download cache</span>}
          {inUse.ref.startsWith('local:') && <span className="chip">opened for this visit only</span>}
        </p>
      )}
      <p className="backend-line" data-testid="backend">
        {backend ? (
          <>
            Running on <strong data-testid="backend-name">{backend.backend === 'webgl' ? 'WebGL' : backend.backend}</strong>: {backend.reason}.
            {props.memory && (
              <span className="memory" data-testid="memory" data-tensors={props.memory.numTensors}>
                {' '}
                The engine holds {props.memory.numTensors.toLocaleString('en')} tensors ({formatBytes(props.memory.numBytes)}).
              </span>
            )}
          </>
        ) : (
          'Choosing a TensorFlow.js backend…'
        )}
      </p>
    </section>
  );
}

function Progress(props: { load: LoadState; onCancel: () => void }) {
  const progress = props.load.status === 'loading' ? props.load.progress : null;
  const name = props.load.status === 'loading' ? props.load.name : 'the engine';
  const { label, fraction } = progressText(progress);
  return (
    <div className="progress-block" data-testid="progress">
      <div className="progress-label">
        Loading <strong>{name}</strong>: <span data-testid="progress-text">{label}</span>
        {props.load.status === 'loading' && (
          <button type="button" className="link" data-testid="cancel-load" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={`Loading ${name}`}
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
