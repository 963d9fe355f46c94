// The header's line on `auto`'s measurement (issue 15): what it measured on
// this device, per backend, which is fastest for generation and for training,
// whether that is the backend running now or the one the next start begins
// on, and a button to measure again.

import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { BackendName } from '../engine/backend.ts';
import type { BackendTiming, BackendVerdict } from '../engine/backendChoice.ts';
import type { EngineClient } from '../engine/client.ts';
import type { BackendReport, ModelInfo } from '../engine/protocol.ts';
import { useBackendVerdict } from './backendVerdict.ts';
import { formatFixed } from './format.ts';

/** Backends by the names their makers give them. */
export const BACKEND_LABEL = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'wasm', cpu: 'cpu' } as const satisfies Record<BackendName, string>;

/** A step's time as people read it: tenths below 10 ms, whole ms above. */
const ms = (value: number) => formatFixed(value, value < 10 ? 1 : 0);

/** The fastest first, then the others, as "wasm 2.1 ms/token vs WebGL 38 ms/token". */
function figures(verdict: BackendVerdict, part: 'decodeMs' | 'trainMs', fastest: BackendName | null, t: TFunction<'common'>): string {
  const order = (a: BackendTiming) => (a.backend === fastest ? -1 : 0);
  return verdict.timings
    .slice()
    .sort((a, b) => order(a) - order(b))
    .map((timing) => {
      const value = timing[part];
      const backend = BACKEND_LABEL[timing.backend];
      if (value === null) return t('load.verdict.notTimed', { backend });
      // One step only: it was clearly slower than the best, so timing stopped there (backendChoice.ts, clearlySlower).
      if (part === 'decodeMs' && timing.decodeSteps === 1) return t('load.verdict.perTokenOneStep', { backend, ms: ms(value) });
      return t(part === 'decodeMs' ? 'load.verdict.perToken' : 'load.verdict.perStep', { backend, ms: ms(value) });
    })
    .join(t('load.verdict.versus'));
}

export function BackendVerdictLine(props: { client: EngineClient | null; backend: BackendReport | null; model: ModelInfo | null }) {
  const { t } = useTranslation();
  const { state, measureAgain } = useBackendVerdict(props.client, props.backend, props.model);
  if (state.status === 'off' || !props.backend) return null;
  const again = (
    <button type="button" className="link" data-testid="backend-measure-again" onClick={measureAgain} disabled={state.status === 'measuring' || state.status === 'waiting'}>
      {t('load.verdict.again')}
    </button>
  );
  if (state.status !== 'measured') {
    return (
      <p className="backend-verdict" data-testid="backend-verdict" data-state={state.status}>
        {state.status === 'failed' ? t('load.verdict.failed', { message: state.message() }) : t(`load.verdict.${state.status}`)}{' '}
        {state.status === 'failed' && again}
      </p>
    );
  }
  const { verdict } = state;
  const running = props.backend.backend;
  const fastest = BACKEND_LABEL[verdict.generation];
  return (
    <p
      className="backend-verdict"
      data-testid="backend-verdict"
      data-state="measured"
      data-measured={verdict.timings.map((timing) => timing.backend).join(',')}
      data-fastest={verdict.generation}
      data-fastest-training={verdict.training ?? ''}
      data-just-now={state.justNow}
      data-cost-ms={state.costMs === undefined ? undefined : Math.round(state.costMs)}
    >
      <Trans
        t={t}
        i18nKey={verdict.generation === running ? 'load.verdict.chosen' : 'load.verdict.nextStart'}
        values={{ fastest, backend: BACKEND_LABEL[running], figures: figures(verdict, 'decodeMs', verdict.generation, t) }}
        components={{ b: <strong /> }}
      />
      {verdict.training &&
        t('load.verdict.training', { tokens: verdict.trainTokens, fastest: BACKEND_LABEL[verdict.training], figures: figures(verdict, 'trainMs', verdict.training, t) })}
      {state.costMs !== undefined && t('load.verdict.cost', { seconds: formatFixed(state.costMs / 1000, 1) })}{' '}
      {again}
    </p>
  );
}
