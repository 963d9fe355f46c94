// One lesson: its question, its steps (each a link to apply, a sentence, and
// the number measured live), what the numbers should show, and the answer.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PanelProps } from '../panelProps.ts';
import { type Lesson, claimHolds } from '../../walks/types.ts';
import { StepCard, type Measured } from './StepCard.tsx';

type LessonKey = 'masks';

export function LessonView(props: PanelProps & { lesson: Lesson; finished: boolean; onFinished: (done: boolean) => void; onBack: () => void }) {
  const { t } = useTranslation('lessons');
  const { lesson } = props;
  const [measured, setMeasured] = useState<Measured[]>(() => lesson.steps.map(() => ({ status: 'idle' })));
  const [busy, setBusy] = useState(false);
  const key = (k: string) => `lessons.${lesson.id as LessonKey}.${k}` as `lessons.masks.${'title' | 'question' | 'answer' | 'differs' | 's1'}`;
  const values = measured.map((m) => (m.status === 'done' ? m.value : null));
  const setAt = (i: number, m: Measured) => setMeasured((all) => all.map((x, j) => (j === i ? m : x)));

  return (
    <article className="lesson" data-testid={`lesson-view-${lesson.id}`}>
      <button type="button" className="lesson-back" onClick={props.onBack}>
        ← {t('view.back')}
      </button>
      <h3>{t(key('title'))}</h3>
      <p className="lesson-question">
        <strong>{t('view.question')}</strong> {t(key('question'))}
      </p>
      <h4>{t('view.steps')}</h4>
      <ol className="lesson-steps">
        {lesson.steps.map((step, i) => (
          <StepCard
            key={i}
            {...props}
            index={i}
            step={step}
            text={t(key(`s${i + 1}`))}
            measured={measured[i]}
            busy={busy}
            onMeasured={(m) => {
              setAt(i, m);
              setBusy(m.status === 'running');
            }}
          />
        ))}
      </ol>
      <h4>{t('view.claims')}</h4>
      <ul className="lesson-claims" data-testid="lesson-claims">
        {lesson.claims.map((claim, i) => {
          const holds = claimHolds(claim, values);
          const text =
            claim.kind === 'greater'
              ? t('claim.greater', { a: claim.a + 1, b: claim.b + 1 })
              : claim.kind === 'near'
                ? t('claim.near', { a: claim.a + 1, b: claim.b + 1, within: claim.within })
                : t(`claim.${claim.kind}`, { step: claim.step + 1, bound: claim.bound });
          return (
            <li key={i} className={holds === null ? 'claim pending' : holds ? 'claim holds' : 'claim fails'} data-state={holds === null ? 'pending' : holds ? 'holds' : 'fails'}>
              {text}: {holds === null ? t('claim.pending') : holds ? t('claim.holds') : t('claim.fails')}
            </li>
          );
        })}
      </ul>
      <h4>{t('view.answer')}</h4>
      <p className="lesson-answer">{t(key('answer'))}</p>
      <h4>{t('view.differs')}</h4>
      <p>{t(key('differs'))}</p>
      <label className="lesson-finished">
        <input type="checkbox" checked={props.finished} onChange={(e) => props.onFinished(e.target.checked)} data-testid="lesson-finished" />
        {t('view.finished')}
      </label>
    </article>
  );
}
