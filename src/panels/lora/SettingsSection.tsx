// The adapter's settings, all in the link: rank and α with the live scaling,
// rsLoRA, which modules to adapt, steps, learning rate, the share of original
// text mixed in, QLoRA — and what they cost in trainable parameters.

import { useMemo } from 'react';
import { TARGET_MODULES } from '../../lora/config.ts';
import type { ModelInfo } from '../../engine/protocol.ts';
import type { PlaygroundState, SettingKey } from '../../state/schema.ts';
import { type StackedBarsData, createStackedBars } from '../../charts/lora/stackedBars.ts';
import { NumberInput } from '../NumberInput.tsx';
import { formatCount } from '../format.ts';
import { ChartView } from '../ChartView.tsx';
import { adapterParameterCount, loraConfigFromState, loraConfigProblem, parseTargets, scalingFormula, withTarget } from './settings.ts';

const MODULE_HINTS: Record<string, string> = {
  'attn.c_attn': 'queries, keys, values',
  'attn.c_proj': "mixes the heads' outputs",
  'mlp.c_fc': 'MLP, widening',
  'mlp.c_proj': 'MLP, narrowing',
};

const PARAMETER_KEYS = [
  { key: 'trainable', label: 'trainable', color: '#d9822b' },
  { key: 'frozen', label: 'frozen', color: '#d5dbe2' },
];

const createParameterBars = (el: HTMLElement) => createStackedBars(el, { title: 'Trainable and frozen parameters' });

export function SettingsSection(props: {
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  model: ModelInfo;
  disabled: boolean;
}) {
  const { state, set, model, disabled } = props;
  const config = loraConfigFromState(state);
  const { unknown } = parseTargets(state.loraTargets);
  const problem = loraConfigProblem(state, model.config);
  const trainable = adapterParameterCount(model.config, config.target_modules, config.r);
  const total = model.parameterCount;

  const bars: StackedBarsData = useMemo(
    () => ({
      keys: PARAMETER_KEYS,
      rows: [
        {
          id: 'lora',
          label: `LoRA, r = ${config.r}`,
          values: { trainable, frozen: total },
          note: `— ${trainable.toLocaleString('en')} of them train (${((100 * trainable) / (trainable + total)).toFixed(2)}%)`,
        },
        { id: 'full', label: 'full fine-tuning', values: { trainable: total, frozen: 0 }, note: '— all of them train' },
      ],
      format: (v) => formatCount(Math.round(v)),
    }),
    [trainable, total, config.r],
  );

  return (
    <section className="lora-section" aria-labelledby="lora-settings-title">
      <h3 id="lora-settings-title">The adapter</h3>
      <div className="controls lora-sliders">
        <label className="field">
          <span className="field-label">
            Rank <span className="sym">r</span>: {config.r}
          </span>
          <input
            type="range" min={1} max={32} step={1} value={config.r} disabled={disabled} data-testid="lora-r"
            onChange={(e) => set('loraR', Number(e.target.value))}
          />
        </label>
        <label className="field">
          <span className="field-label">
            lora_alpha <span className="sym">α</span>: {config.lora_alpha}
          </span>
          <input
            type="range" min={1} max={64} step={1} value={config.lora_alpha} disabled={disabled} data-testid="lora-alpha"
            onChange={(e) => set('loraAlpha', Number(e.target.value))}
          />
        </label>
        <div className="field lora-scaling">
          <span className="field-label">Scaling</span>
          <span className="lora-scaling-value" data-testid="lora-scaling">{scalingFormula(config)}</span>
        </div>
        <label className="field lora-check">
          <span className="field-label">rsLoRA</span>
          <span>
            <input type="checkbox" checked={config.use_rslora} disabled={disabled} data-testid="lora-rslora" onChange={(e) => set('loraRslora', e.target.checked ? 'on' : 'off')} />{' '}
            scale by α / √r
          </span>
        </label>
      </div>

      <fieldset className="field segmented lora-targets" disabled={disabled}>
        <legend className="field-label">Adapt these modules in every layer (target_modules)</legend>
        {TARGET_MODULES.map((m) => (
          <label key={m} className="lora-target">
            <input
              type="checkbox"
              checked={config.target_modules.includes(m)}
              data-testid={`lora-target-${m}`}
              onChange={(e) => set('loraTargets', withTarget(state.loraTargets, m, e.target.checked))}
            />{' '}
            <code>{m}</code> <span className="muted small">({MODULE_HINTS[m]})</span>
          </label>
        ))}
      </fieldset>
      {config.target_modules.length === 0 && <p className="notice">Choose at least one module to adapt.</p>}
      {unknown.length > 0 && <p className="notice">The link names modules GPT-2 does not have, ignored: {unknown.join(', ')}.</p>}
      {problem && config.target_modules.length > 0 && (
        <p className="alert error" role="alert" data-testid="lora-config-error">
          {problem}
        </p>
      )}

      <div className="controls">
        <NumberInput label="Steps" value={state.loraSteps} min={1} max={2000} disabled={disabled} testId="lora-steps" onCommit={(v) => set('loraSteps', v)} />
        <NumberInput
          label="Learning rate" value={state.loraLr} min={1e-5} max={1} step="any" disabled={disabled} testId="lora-lr"
          onCommit={(v) => set('loraLr', v)}
        />
        <label className="field">
          <span className="field-label">Mix in original text: {Math.round(state.loraMix * 100)}%</span>
          <input
            type="range" min={0} max={0.9} step={0.05} value={state.loraMix} disabled={disabled} data-testid="lora-mix"
            onChange={(e) => set('loraMix', Number(e.target.value))}
          />
        </label>
        <label className="field lora-check">
          <span className="field-label">QLoRA</span>
          <span>
            <input type="checkbox" checked={state.qlora === 'on'} disabled={disabled} data-testid="lora-qlora" onChange={(e) => set('qlora', e.target.checked ? 'on' : 'off')} />{' '}
            train over a 4-bit NF4 base
          </span>
        </label>
        <NumberInput label="Seed" value={state.seed} min={0} max={2 ** 32 - 1} disabled={disabled} testId="lora-seed" onCommit={(v) => set('seed', v)} />
      </div>

      <p className="small" data-testid="lora-parameter-count">
        <strong>{trainable.toLocaleString('en')}</strong> trainable values — r·(in + out) for each of {config.target_modules.length} module
        {config.target_modules.length === 1 ? '' : 's'} in {model.config.nLayer} layers — beside {total.toLocaleString('en')} frozen ones.
      </p>
      <ChartView create={createParameterBars} data={bars} data-testid="lora-parameter-bar" className="chart lora-bars" />
    </section>
  );
}
