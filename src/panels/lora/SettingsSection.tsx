// The adapter's settings, all in the link: rank and α with the live scaling,
// rsLoRA, which modules to adapt, steps, learning rate, the share of original
// text mixed in, the training objective, QLoRA — and what they cost in trainable parameters.

import { useMemo } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { TARGET_MODULES, type TargetModule } from '../../lora/config.ts';
import { t } from '../../i18n/index.ts';
import type { ModelInfo } from '../../engine/protocol.ts';
import type { PlaygroundState, SettingKey } from '../../state/schema.ts';
import { type StackedBarsData, createStackedBars } from '../../charts/lora/stackedBars.ts';
import { NumberInput } from '../NumberInput.tsx';
import { formatCount, formatNumber, formatPercent } from '../format.ts';
import { ChartView } from '../ChartView.tsx';
import { adapterParameterCount, loraConfigFromState, loraConfigProblem, parseTargets, scalingFormula, withTarget } from './settings.ts';

/** What each module does, as a key of lora:settings.moduleHints. */
const MODULE_HINTS = {
  'attn.c_attn': 'attnCAttn',
  'attn.c_proj': 'attnCProj',
  'mlp.c_fc': 'mlpCFc',
  'mlp.c_proj': 'mlpCProj',
} as const satisfies Record<TargetModule, string>;

const parameterKeys = () => [
  { key: 'trainable', label: t('lora:settings.bars.trainable'), color: '#d9822b' },
  { key: 'frozen', label: t('lora:settings.bars.frozen'), color: '#d5dbe2' },
];

const createParameterBars = (el: HTMLElement) => createStackedBars(el, { title: t('lora:settings.bars.title') });

export function SettingsSection(props: {
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  model: ModelInfo;
  disabled: boolean;
}) {
  const { state, set, model, disabled } = props;
  const { t, i18n } = useTranslation('lora');
  const { t: tl } = useTranslation('loraLab');
  const lang = i18n.language;
  const config = loraConfigFromState(state);
  const { unknown } = parseTargets(state.loraTargets);
  const problem = loraConfigProblem(state, model.config);
  const trainable = adapterParameterCount(model.config, config.target_modules, config.r);
  const total = model.parameterCount;

  const bars: StackedBarsData = useMemo(
    () => ({
      keys: parameterKeys(),
      rows: [
        {
          id: 'lora',
          label: t('settings.bars.lora', { r: config.r }),
          values: { trainable, frozen: total },
          note: t('settings.bars.loraNote', { trainable: formatNumber(trainable), percent: formatPercent(trainable / (trainable + total), 2) }),
        },
        { id: 'full', label: t('settings.bars.full'), values: { trainable: total, frozen: 0 }, note: t('settings.bars.fullNote') },
      ],
      format: (v) => formatCount(Math.round(v)),
    }),
    [trainable, total, config.r, lang],
  );

  return (
    <section className="lora-section" aria-labelledby="lora-settings-title">
      <h3 id="lora-settings-title">{t('settings.title')}</h3>
      <div className="controls lora-sliders">
        <label className="field">
          <span className="field-label">
            {t('settings.rank')} <span className="sym">r</span>: {config.r}
          </span>
          <input
            type="range" min={1} max={32} step={1} value={config.r} disabled={disabled} data-testid="lora-r"
            onChange={(e) => set('loraR', Number(e.target.value))}
          />
        </label>
        <label className="field">
          <span className="field-label">
            {t('settings.alpha')} <span className="sym">α</span>: {config.lora_alpha}
          </span>
          <input
            type="range" min={1} max={64} step={1} value={config.lora_alpha} disabled={disabled} data-testid="lora-alpha"
            onChange={(e) => set('loraAlpha', Number(e.target.value))}
          />
        </label>
        <div className="field lora-scaling">
          <span className="field-label">{t('settings.scaling')}</span>
          <span className="lora-scaling-value" data-testid="lora-scaling">{scalingFormula(config)}</span>
        </div>
        <label className="field lora-check">
          <span className="field-label">{t('settings.rslora')}</span>
          <span>
            <input type="checkbox" checked={config.use_rslora} disabled={disabled} data-testid="lora-rslora" onChange={(e) => set('loraRslora', e.target.checked ? 'on' : 'off')} />{' '}
            {t('settings.rsloraHint')}
          </span>
        </label>
      </div>

      <fieldset className="field segmented lora-targets" disabled={disabled}>
        <legend className="field-label">{t('settings.targets')}</legend>
        {TARGET_MODULES.map((m) => (
          <label key={m} className="lora-target">
            <input
              type="checkbox"
              checked={config.target_modules.includes(m)}
              data-testid={`lora-target-${m}`}
              onChange={(e) => set('loraTargets', withTarget(state.loraTargets, m, e.target.checked))}
            />{' '}
            <code>{m}</code> <span className="muted small">({t(`settings.moduleHints.${MODULE_HINTS[m]}`)})</span>
          </label>
        ))}
      </fieldset>
      {config.target_modules.length === 0 && <p className="notice">{t('settings.noTargets')}</p>}
      {unknown.length > 0 && <p className="notice">{t('settings.unknownTargets', { names: unknown.join(', ') })}</p>}
      {problem && config.target_modules.length > 0 && (
        <p className="alert error" role="alert" data-testid="lora-config-error">
          {problem}
        </p>
      )}

      <div className="controls">
        <NumberInput label={t('settings.steps')} value={state.loraSteps} min={1} max={2000} disabled={disabled} testId="lora-steps" onCommit={(v) => set('loraSteps', v)} />
        <NumberInput
          label={t('settings.learningRate')} value={state.loraLr} min={1e-5} max={1} step="any" disabled={disabled} testId="lora-lr"
          onCommit={(v) => set('loraLr', v)}
        />
        <label className="field">
          <span className="field-label">{t('settings.mix', { percent: formatPercent(state.loraMix, 0) })}</span>
          <input
            type="range" min={0} max={0.9} step={0.05} value={state.loraMix} disabled={disabled} data-testid="lora-mix"
            onChange={(e) => set('loraMix', Number(e.target.value))}
          />
        </label>
        <label className="field">
          <span className="field-label">{tl('objective.label')}</span>
          <select
            value={state.loraObjective} disabled={disabled} data-testid="lora-objective"
            onChange={(e) => set('loraObjective', e.target.value === 'unlikelihood' ? 'unlikelihood' : 'mle')}
          >
            <option value="mle">{tl('objective.mle')}</option>
            <option value="unlikelihood">{tl('objective.unlikelihood')}</option>
          </select>
        </label>
        <NumberInput
          label={tl('objective.alpha')} value={state.loraUlAlpha} min={0} max={100} step="any" disabled={disabled} testId="lora-ul-alpha"
          onCommit={(v) => set('loraUlAlpha', v)}
        />
        <label className="field lora-check">
          <span className="field-label">{t('settings.qlora')}</span>
          <span>
            <input type="checkbox" checked={state.qlora === 'on'} disabled={disabled} data-testid="lora-qlora" onChange={(e) => set('qlora', e.target.checked ? 'on' : 'off')} />{' '}
            {t('settings.qloraHint')}
          </span>
        </label>
        <NumberInput label={t('settings.seed')} value={state.seed} min={0} max={2 ** 32 - 1} disabled={disabled} testId="lora-seed" onCommit={(v) => set('seed', v)} />
      </div>

      <p className="small" data-testid="lora-parameter-count">
        <Trans
          t={t}
          i18nKey="settings.parameterCount"
          count={config.target_modules.length}
          values={{ trainable: formatNumber(trainable), layers: model.config.nLayer, total: formatNumber(total) }}
          components={{ b: <strong /> }}
        />
      </p>
      <ChartView create={createParameterBars} recreate={[lang]} data={bars} data-testid="lora-parameter-bar" className="chart lora-bars" />
    </section>
  );
}
