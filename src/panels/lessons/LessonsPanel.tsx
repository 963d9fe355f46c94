// The Lessons tab: a list of guided walks through interview questions, each
// with its finished mark (kept in this browser), and the lesson open beside it.
// Below the list, the questions this page cannot show, each with a short note.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Panel } from '../Panel.tsx';
import type { PanelProps } from '../panelProps.ts';
import { BEYOND, LESSONS, lessonById } from '../../walks/catalog.ts';
import { readFinished, writeFinished } from '../../walks/progress.ts';
import { LessonView } from './LessonView.tsx';

const IDS = LESSONS.map((l) => l.id);

/** The browser's localStorage, or null where it is refused (some private modes throw on access). */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function LessonsPanel(props: PanelProps) {
  const { t } = useTranslation('lessons');
  const [finished, setFinished] = useState(() => readFinished(storage(), IDS));
  const [openId, setOpenId] = useState<string | null>(null);
  const open = openId === null ? undefined : lessonById(openId);
  const mark = (id: string, done: boolean) => setFinished((f) => writeFinished(storage(), f, id, done));

  const explanation = (
    <>
      <p>{t('intro')}</p>
      <h3>{t('beyond.heading')}</h3>
      <p>{t('beyond.intro')}</p>
      <ul className="lesson-beyond" data-testid="lessons-beyond">
        {BEYOND.map((id) => (
          <li key={id}>{t(`beyond.${id}`)}</li>
        ))}
      </ul>
    </>
  );

  return (
    <Panel id="lessons" title={t('title')} explanation={explanation}>
      {open ? (
        <LessonView {...props} lesson={open} finished={finished.has(open.id)} onFinished={(done) => mark(open.id, done)} onBack={() => setOpenId(null)} />
      ) : (
        <ol className="lesson-list" aria-label={t('list.heading')} data-testid="lesson-list">
          {LESSONS.map((lesson) => {
            const done = finished.has(lesson.id);
            return (
              <li key={lesson.id} data-testid={`lesson-${lesson.id}`} className={done ? 'lesson-item done' : 'lesson-item'}>
                <span className="lesson-mark" aria-label={done ? t('list.finished') : t('list.notStarted')}>
                  {done ? '✓' : '○'}
                </span>
                <span className="lesson-item-title">{t(`lessons.${lesson.id}.title` as 'lessons.masks.title')}</span>
                <span className="lesson-item-steps">{t('list.steps', { count: lesson.steps.length })}</span>
                <button type="button" onClick={() => setOpenId(lesson.id)} data-testid={`open-${lesson.id}`}>
                  {t('list.open')}
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}
