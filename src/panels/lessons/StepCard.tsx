// A lesson's step: Go applies its link (every setting, through the URL hash,
// which opens its panel), the sentence says what to watch, and the number is
// measured live — arithmetic at once, a model run when asked, on the step's model.

import { useTranslation } from 'react-i18next';
import type { PanelProps } from '../panelProps.ts';
import { errorText } from '../errorText.ts';
import { modelBaseUrl } from '../useEngine.ts';
import { stepHash, stepState } from '../../walks/links.ts';
import { type Step, isEngineMeasure } from '../../walks/types.ts';
import { arithmeticMeasure } from '../../walks/arithmetic.ts';
import { measure } from './measures.ts';
import { formatMeasure, measureLabel } from './format.ts';

export type Measured = { status: 'idle' } | { status: 'running' } | { status: 'done'; value: number } | { status: 'error'; message: string };

export function StepCard(props: PanelProps & { index: number; step: Step; text: string; measured: Measured; busy: boolean; onMeasured: (m: Measured) => void }) {
  const { t } = useTranslation('lessons');
  const { step, client, model, measured } = props;
  const target = stepState(step, props.state);
  const engine = isEngineMeasure(step.measure);
  const onModel = model !== null && model.ref === target.model;
  const shown: Measured = engine ? measured : { status: 'done', value: arithmeticMeasure(step.measure as Parameters<typeof arithmeticMeasure>[0], target) };

  const go = () => {
    window.location.hash = '#' + stepHash(step, props.state);
    // The step's panel opens where the tabs are; bring them into view, as a click on a tab would have.
    document.getElementById(`tab-${target.panel}`)?.scrollIntoView({ block: 'start' });
  };
  const run = () => {
    if (!client) return;
    props.onMeasured({ status: 'running' });
    measure(step.measure, target, (method, params, onEvent) => client.call(method, params, onEvent).result, modelBaseUrl(target.model)).then(
      (value) => props.onMeasured({ status: 'done', value }),
      (e: Error) => props.onMeasured({ status: 'error', message: errorText(e) }),
    );
  };

  return (
    <li className="lesson-step" data-testid={`step-${props.index + 1}`}>
      <div className="lesson-step-head">
        <strong>{t('step.label', { n: props.index + 1 })}</strong>
        <button type="button" onClick={go} title={t('step.goHint')} data-testid="step-go">
          {t('step.go')}
        </button>
      </div>
      <p>{props.text}</p>
      <p className="lesson-measure">
        <span>{measureLabel(step.measure)}</span>{' '}
        {engine && shown.status !== 'done' && (
          <button type="button" onClick={run} disabled={!client || !onModel || props.busy} data-testid="step-measure">
            {shown.status === 'running' ? t('step.measuring') : t('step.measure')}
          </button>
        )}
        {shown.status === 'done' && (
          <span className="lesson-value" data-testid="step-value" data-value={shown.value}>
            {t('step.measured')} <output>{formatMeasure(step.measure, shown.value)}</output>
          </span>
        )}
      </p>
      {engine && !onModel && shown.status !== 'done' && <p className="hint">{t('step.needsModel', { model: target.model })}</p>}
      {shown.status === 'error' && <p className="error">{t('step.failed', { message: shown.message })}</p>}
    </li>
  );
}
