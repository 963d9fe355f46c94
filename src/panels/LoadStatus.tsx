// Where loading has got to (a progress bar with bytes and stage), which
// TensorFlow.js backend runs and why, and whether the page now works offline.

import type { BackendReport, EngineMemory, LoadEvent, LoadStage } from '../engine/protocol.ts';
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
  modelName: string;
  load: LoadState;
  backend: BackendReport | null;
  offlineReady: boolean;
  memory: EngineMemory | null;
}) {
  const { load, backend } = props;
  return (
    <section className="card status" aria-live="polite" data-testid="load-status" data-state={load.status}>
      {(load.status === 'starting' || load.status === 'loading') && <Progress modelName={props.modelName} load={load} />}
      {load.status === 'error' && (
        <div className="alert error" role="alert">
          <strong>The model did not load.</strong> {load.message}
          {props.modelName === 'shakespeare' && /no model|missing|404/i.test(load.message) && (
            <> While the embedded model is still being trained, a small stand-in works: <a href="#model=dev-tiny">#model=dev-tiny</a>.</>
          )}
        </div>
      )}
      {load.status === 'ready' && (
        <p className="ready-line" data-testid="model-ready">
          <span className="dot ok" aria-hidden="true" />
          <strong>{load.model.name}</strong> is ready: {load.model.config.nLayer} layers × {load.model.config.nHead} heads, width{' '}
          {load.model.config.nEmbd}, context {load.model.config.blockSize} tokens, {formatCount(load.model.parameterCount)} parameters
          {load.model.training?.valLossPerToken != null && (
            <>, validation loss {load.model.training.valLossPerToken.toFixed(2)} nats/token</>
          )}
          .{props.offlineReady && <span className="chip" data-testid="offline-ready">works offline</span>}
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

function Progress(props: { modelName: string; load: LoadState }) {
  const progress = props.load.status === 'loading' ? props.load.progress : null;
  const { label, fraction } = progressText(progress);
  return (
    <div className="progress-block" data-testid="progress">
      <div className="progress-label">
        Loading <strong>{props.modelName}</strong>: <span data-testid="progress-text">{label}</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={`Loading ${props.modelName}`}
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
