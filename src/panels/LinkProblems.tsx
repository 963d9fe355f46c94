// What the link had wrong, above the panels, each problem in the reader's
// language (linkProblemText.ts), until the reader dismisses them.

import { useTranslation } from 'react-i18next';
import type { LinkProblem } from '../state/linkProblems.ts';
import { linkProblemText } from './linkProblemText.ts';

export function LinkProblems({ problems, onDismiss }: { problems: readonly LinkProblem[]; onDismiss: () => void }) {
  const { t } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <div className="alert warning" role="status" data-testid="link-problems">
      <strong>{t('linkProblems.title')}</strong>
      <ul>
        {problems.map((p) => (
          <li key={p.message} data-code={p.code}>
            {linkProblemText(p)}
          </li>
        ))}
      </ul>
      <button type="button" className="link" onClick={onDismiss}>
        {t('linkProblems.dismiss')}
      </button>
    </div>
  );
}
