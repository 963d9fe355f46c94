// The decoding controls, each bound to a setting of the link. Sliders show
// their value; a setting that does nothing in the current strategy is dimmed
// with a note rather than hidden, so the learner sees what exists.

import { useTranslation } from 'react-i18next';
import type { PlaygroundState, SettingKey } from '../../state/schema.ts';
import { EARLY_STOPPING, STRATEGIES } from '../../state/schema.ts';
import { formatFixed, formatNumber } from '../format.ts';

type Set = <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;

function Slider(props: {
  label: string;
  hfName: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  off?: string;
  inactive?: boolean;
  format?: (v: number) => string;
}) {
  const shown = props.off !== undefined && isOff(props) ? props.off : (props.format ?? ((v: number) => formatNumber(v)))(props.value);
  return (
    <label className={props.inactive ? 'slider inactive' : 'slider'}>
      <span className="slider-head">
        <span>{props.label}</span>
        <output data-testid={`value-${props.hfName}`}>{shown}</output>
      </span>
      <code className="hf-name">{props.hfName}</code>
      <input
        type="range"
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        data-testid={`slider-${props.hfName}`}
        aria-label={props.hfName}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
    </label>
  );
}

function isOff(p: { hfName: string; value: number }): boolean {
  switch (p.hfName) {
    case 'top_k':
    case 'min_p':
    case 'no_repeat_ngram_size':
    case 'frequency_penalty':
    case 'presence_penalty':
    case 'epsilon_cutoff':
    case 'eta_cutoff':
    case 'diversity_penalty':
      return p.value === 0;
    case 'top_p':
    case 'typical_p':
    case 'repetition_penalty':
      return p.value === 1;
    default:
      return false;
  }
}

export function Controls({ state, set }: { state: PlaygroundState; set: Set }) {
  const { t } = useTranslation('sampling');
  const off = t('controls.off');
  const sampling = state.strategy === 'sample';
  const contrastive = state.strategy === 'contrastive';
  const diverse = state.strategy === 'diverse-beam';
  const beam = state.strategy === 'beam' || diverse;
  const choose = (s: PlaygroundState['strategy']) => {
    set('strategy', s);
    // Contrastive search weighs top_k candidates; with fewer than 2 it would be greedy decoding (HF's blog uses 4).
    if (s === 'contrastive' && state.topK < 2) set('topK', 4);
  };
  return (
    <div className="sampling-controls">
      <div className="segmented" role="radiogroup" aria-label={t('strategy.label')}>
        {STRATEGIES.map((s) => (
          <button
            key={s}
            type="button"
            role="radio"
            aria-checked={state.strategy === s}
            data-testid={`strategy-${s}`}
            className={state.strategy === s ? 'active' : ''}
            onClick={() => choose(s)}
          >
            {t(`strategy.${s}`)}
          </button>
        ))}
      </div>
      <div className="slider-grid">
        <Slider label={t('controls.temperature')} hfName="temperature" value={state.temperature} min={0} max={2} step={0.05} onChange={(v) => set('temperature', v)} inactive={!sampling} format={(v) => (v === 0 ? t('controls.greedyTemperature', { value: formatNumber(0) }) : formatFixed(v, 2))} />
        <Slider label={t('controls.topK')} hfName="top_k" value={state.topK} min={0} max={100} step={1} off={off} onChange={(v) => set('topK', v)} inactive={!sampling && !contrastive} />
        <Slider label={t('controls.topP')} hfName="top_p" value={state.topP} min={0} max={1} step={0.01} off={off} onChange={(v) => set('topP', v)} inactive={!sampling} />
        <Slider label={t('controls.minP')} hfName="min_p" value={state.minP} min={0} max={0.5} step={0.01} off={off} onChange={(v) => set('minP', v)} inactive={!sampling} />
        <Slider label={t('controls.typicalP')} hfName="typical_p" value={state.typicalP} min={0.05} max={1} step={0.01} off={off} onChange={(v) => set('typicalP', v)} inactive={!sampling} />
        <Slider label={t('controls.epsilonCutoff')} hfName="epsilon_cutoff" value={state.epsilonCutoff} min={0} max={0.01} step={0.0001} off={off} onChange={(v) => set('epsilonCutoff', v)} inactive={!sampling} />
        <Slider label={t('controls.etaCutoff')} hfName="eta_cutoff" value={state.etaCutoff} min={0} max={0.01} step={0.0001} off={off} onChange={(v) => set('etaCutoff', v)} inactive={!sampling} />
        <Slider label={t('controls.repetitionPenalty')} hfName="repetition_penalty" value={state.repetitionPenalty} min={1} max={2} step={0.05} off={off} onChange={(v) => set('repetitionPenalty', v)} />
        <Slider label={t('controls.noRepeatNgram')} hfName="no_repeat_ngram_size" value={state.noRepeatNgram} min={0} max={6} step={1} off={off} onChange={(v) => set('noRepeatNgram', v)} />
        <Slider label={t('controls.frequencyPenalty')} hfName="frequency_penalty" value={state.frequencyPenalty} min={0} max={2} step={0.1} off={off} onChange={(v) => set('frequencyPenalty', v)} inactive={beam} />
        <Slider label={t('controls.presencePenalty')} hfName="presence_penalty" value={state.presencePenalty} min={0} max={2} step={0.1} off={off} onChange={(v) => set('presencePenalty', v)} inactive={beam} />
      </div>
      {contrastive && (
        <>
          <div className="slider-grid beam-controls">
            <Slider label={t('controls.penaltyAlpha')} hfName="penalty_alpha" value={state.penaltyAlpha} min={0} max={1} step={0.05} onChange={(v) => set('penaltyAlpha', v)} />
          </div>
          <p className="hint">{t('controls.contrastiveHint')}</p>
        </>
      )}
      {diverse && (
        <>
          <div className="slider-grid beam-controls">
            <Slider label={t('controls.numBeamGroups')} hfName="num_beam_groups" value={state.numBeamGroups} min={1} max={8} step={1} onChange={(v) => set('numBeamGroups', v)} />
            <Slider label={t('controls.diversityPenalty')} hfName="diversity_penalty" value={state.diversityPenalty} min={0} max={5} step={0.1} off={off} onChange={(v) => set('diversityPenalty', v)} />
          </div>
          <p className="hint">{t('controls.diverseHint')}</p>
        </>
      )}
      {beam && (
        <div className="slider-grid beam-controls">
          <Slider label={t('controls.numBeams')} hfName="num_beams" value={state.numBeams} min={1} max={8} step={1} onChange={(v) => set('numBeams', v)} />
          <Slider label={t('controls.lengthPenalty')} hfName="length_penalty" value={state.lengthPenalty} min={-2} max={2} step={0.1} onChange={(v) => set('lengthPenalty', v)} />
          <label className="select">
            <span className="slider-head">
              <span>{t('controls.earlyStopping')}</span>
            </span>
            <code className="hf-name">early_stopping</code>
            <select value={state.earlyStopping} data-testid="early-stopping" onChange={(e) => set('earlyStopping', e.target.value as PlaygroundState['earlyStopping'])}>
              {EARLY_STOPPING.map((v) => (
                <option key={v} value={v}>
                  {v === 'never' ? '"never"' : v}
                </option>
              ))}
            </select>
          </label>
          <label className="select">
            <span className="slider-head">
              <span>{t('controls.eos')}</span>
            </span>
            <code className="hf-name">eos_token_id</code>
            <select value={state.eosText} data-testid="eos" onChange={(e) => set('eosText', e.target.value)}>
              <option value="">{t('controls.eosNone')}</option>
              <option value={'\n'}>{t('controls.eosLineBreak')}</option>
              <option value=".">{t('controls.eosFullStop')}</option>
            </select>
          </label>
        </div>
      )}
      <label className="seed">
        <span>{t('controls.seed')}</span>
        <input type="number" min={0} value={state.seed} data-testid="sampling-seed" onChange={(e) => set('seed', Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
      </label>
    </div>
  );
}
