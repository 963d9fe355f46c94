// The playground: URL state → engine → panels. App only composes; the
// pieces live in state/, engine/, panels/ and charts/ (nothing imports App).

import { type ReactElement, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
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
import { LessonsPanel } from './panels/lessons/LessonsPanel.tsx';
import { LanguageSwitch, useLocale } from './panels/LanguageSwitch.tsx';
import { LinkProblems } from './panels/LinkProblems.tsx';

export function App() {
  const { state, problems, set, dismissProblems } = useHashState();
  const locale = useLocale(state.lang);
  const { t } = useTranslation();
  useEffect(() => void (document.title = t('app.title')), [t]);
  const panelLabels: Record<PanelId, string> = {
    sampling: t('tabs.sampling'),
    attention: t('tabs.attention'),
    lora: t('tabs.lora'),
    'own-text': t('tabs.ownText'),
    lessons: t('tabs.lessons'),
  };
  const engine = useEngine(state.model, state.backend, state.threads, (ref) => set('model', ref));
  // Every panel runs on the chosen model; one being trained in "Your own text" sits in a slot of its own.
  const active = engine.active;

  const panels: Record<PanelId, ReactElement> = {
    sampling: <SamplingPanel client={engine.client} state={state} set={set} model={active} />,
    attention: <AttentionPanel client={engine.client} state={state} set={set} model={active} />,
    lora: <LoraPanel client={engine.client} state={state} set={set} model={active} />,
    'own-text': <OwnTextPanel client={engine.client} state={state} set={set} onUse={(ref) => set('model', ref)} />,
    lessons: <LessonsPanel client={engine.client} state={state} set={set} model={active} />,
  };

  return (
    <div className="app">
      <header className="app-header">
        <div className="header-row">
          <h1>{t('app.title')}</h1>
          <ModelPicker model={state.model} onChoose={(ref) => set('model', ref)} disabled={!engine.client} />
          <LanguageSwitch locale={locale} onChoose={(l) => set('lang', l)} />
        </div>
        <p className="tagline">{t('app.tagline')}</p>
      </header>

      <main>
      <LinkProblems problems={problems} onDismiss={dismissProblems} />

      <LoadStatus
        load={engine.load}
        active={active}
        notice={engine.notice}
        backend={engine.backend}
        client={engine.client}
        offlineReady={engine.offlineReady}
        memory={engine.memory}
        onConfirm={engine.confirmDownload}
        onCancel={engine.cancelLoad}
      />
      <PromptBox client={engine.client} embedded={active} custom={null} state={state} set={set} />

      <TabList ids={PANELS} labels={panelLabels} selected={state.panel} onSelect={(id) => set('panel', id)} label={t('tabs.label')} />
      {PANELS.map((id) => (
        // Inactive panels stay mounted (hidden), so a training run survives a look at another tab.
        <div key={id} role="tabpanel" id={`tabpanel-${id}`} aria-labelledby={`tab-${id}`} hidden={state.panel !== id}>
          {panels[id]}
        </div>
      ))}
      </main>

      <footer className="app-footer">{t('app.footer')}</footer>
    </div>
  );
}
