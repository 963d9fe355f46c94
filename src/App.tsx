// The playground: URL state → engine → panels. App only composes; the
// pieces live in state/, engine/, panels/ and charts/ (nothing imports App).

import type { ReactElement } from 'react';
import { PANELS, type PanelId } from './state/schema.ts';
import { useHashState } from './state/useHashState.ts';
import { useEngine } from './panels/useEngine.ts';
import { LoadStatus } from './panels/LoadStatus.tsx';
import { TabList } from './panels/Tabs.tsx';
import { PromptBox } from './panels/PromptBox.tsx';
import { OwnTextPanel } from './panels/OwnTextPanel.tsx';
import { ModelPicker } from './panels/models/ModelPicker.tsx';
import { SamplingPanel } from './panels/sampling/SamplingPanel.tsx';
import { AttentionPanel } from './panels/attention/AttentionPanel.tsx';
import { LoraPanel } from './panels/lora/LoraPanel.tsx';

const PANEL_LABELS: Record<PanelId, string> = {
  sampling: 'Sampling & repetition',
  attention: 'Attention',
  lora: 'LoRA',
  'own-text': 'Your own text',
};

export function App() {
  const { state, problems, set, dismissProblems } = useHashState();
  const engine = useEngine(state.model, state.backend, (ref) => set('model', ref));
  // Every panel runs on the chosen model; one being trained in "Your own text" sits in a slot of its own.
  const active = engine.active;

  const panels: Record<PanelId, ReactElement> = {
    sampling: <SamplingPanel client={engine.client} state={state} set={set} model={active} />,
    attention: <AttentionPanel client={engine.client} state={state} set={set} model={active} />,
    lora: <LoraPanel client={engine.client} state={state} set={set} model={active} />,
    'own-text': <OwnTextPanel client={engine.client} state={state} set={set} onUse={(ref) => set('model', ref)} />,
  };

  return (
    <div className="app">
      <header className="app-header">
        <div className="header-row">
          <h1>Transformer Playground</h1>
          <ModelPicker model={state.model} onChoose={(ref) => set('model', ref)} disabled={!engine.client} />
        </div>
        <p className="tagline">
          A GPT running entirely in your browser — the small embedded one, one you train, or GPT-2 itself. Every setting lives in the page's address, so a copied link shows
          someone else exactly this screen.
        </p>
      </header>

      <main>
      {problems.length > 0 && (
        <div className="alert warning" role="status" data-testid="link-problems">
          <strong>Some settings in the link could not be used as written:</strong>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <button type="button" className="link" onClick={dismissProblems}>
            Dismiss
          </button>
        </div>
      )}

      <LoadStatus
        load={engine.load}
        active={active}
        notice={engine.notice}
        backend={engine.backend}
        offlineReady={engine.offlineReady}
        memory={engine.memory}
        onConfirm={engine.confirmDownload}
        onCancel={engine.cancelLoad}
      />
      <PromptBox client={engine.client} embedded={active} custom={null} state={state} set={set} />

      <TabList ids={PANELS} labels={PANEL_LABELS} selected={state.panel} onSelect={(id) => set('panel', id)} label="Panels" />
      {PANELS.map((id) => (
        // Inactive panels stay mounted (hidden), so a training run survives a look at another tab.
        <div key={id} role="tabpanel" id={`tabpanel-${id}`} aria-labelledby={`tab-${id}`} hidden={state.panel !== id}>
          {panels[id]}
        </div>
      ))}
      </main>

      <footer className="app-footer">
        TensorFlow.js runs the model in a Web Worker, so the page stays responsive while it generates or trains.
      </footer>
    </div>
  );
}
