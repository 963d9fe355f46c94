// Play / pause / step / step back / speed, as TensorFlow Playground steps its
// training. The step itself lives in the link; playing and speed do not.

import { useTranslation } from 'react-i18next';
import { isBehind, stepLabel } from './stepLabel.ts';
import { formatNumber } from '../format.ts';

export const SPEEDS = [
  { id: 'slow', ms: 1400 },
  { id: 'normal', ms: 700 },
  { id: 'fast', ms: 250 },
] as const;

export function StepControls(props: {
  step: number;
  /** Generated tokens that exist now, and the step on screen (null before any). */
  generated: number;
  shown: number | null;
  /** Generation failed: the label says so instead of counting. */
  failed: boolean;
  max: number;
  busy: boolean;
  disabled: boolean;
  playing: boolean;
  speedMs: number;
  onStep: (step: number) => void;
  onPlaying: (playing: boolean) => void;
  onSpeed: (ms: number) => void;
}) {
  const { step, max, busy, disabled, playing } = props;
  const { t } = useTranslation('attention');
  const progress = { step, generated: props.generated, shown: props.shown, failed: props.failed };
  const behind = isBehind(progress);
  return (
    <div className="attn-stepper" role="group" aria-label={t('step.group')}>
      <button type="button" data-testid="attention-reset" title={t('step.startTitle')} disabled={disabled || step === 0} onClick={() => props.onStep(0)}>
        {t('step.start')}
      </button>
      <button type="button" data-testid="attention-back" title={t('step.backTitle')} disabled={disabled || step === 0} onClick={() => props.onStep(step - 1)}>
        {t('step.back')}
      </button>
      <button
        type="button"
        className="primary attn-play"
        data-testid="attention-play"
        aria-pressed={playing}
        disabled={disabled || (!playing && step >= max)}
        onClick={() => props.onPlaying(!playing)}
      >
        {playing ? t('step.pause') : t('step.play')}
      </button>
      <button type="button" data-testid="attention-step" title={t('step.nextTitle')} disabled={disabled || busy || step >= max} onClick={() => props.onStep(step + 1)}>
        {t('step.next')}
      </button>
      <label className="attn-speed">
        <span className="field-label">{t('step.speed')}</span>
        <select value={props.speedMs} data-testid="attention-speed" onChange={(e) => props.onSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s.ms} value={s.ms}>
              {t(`step.speeds.${s.id}`)}
            </option>
          ))}
        </select>
      </label>
      <span className="attn-step-label" data-testid="attention-step-label" data-behind={behind} aria-live="polite">
        {stepLabel(progress)}
      </span>
      {behind && !props.failed && step > 1 && (
        <progress
          className="attn-step-progress" data-testid="attention-step-progress" max={step} value={Math.min(props.generated, step)}
          aria-label={t('step.generatingAria', { step: formatNumber(step) })}
        />
      )}
    </div>
  );
}
