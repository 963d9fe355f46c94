// A panel: a card with the working part on the left and, beside it (not behind
// a link), the prose that explains what the reader is looking at.

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function Panel(props: {
  id: string;
  title: string;
  /** A short tag next to the title, e.g. "not built yet". */
  badge?: string;
  explanation: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const headingId = `${props.id}-title`;
  return (
    <section className="card panel" id={props.id} aria-labelledby={headingId} data-testid={`panel-${props.id}`}>
      <div className="panel-main">
        <h2 id={headingId}>
          {props.title}
          {props.badge && <span className="badge">{props.badge}</span>}
        </h2>
        {props.children}
      </div>
      <aside className="explanation" aria-label={t('panel.about', { title: props.title })}>
        {props.explanation}
      </aside>
    </section>
  );
}
