// What every long job in the LoRA panel shows while it runs and after: its
// error (if any), a progress bar, and a line saying where it is. The jobs
// differ only in what they count and say, so the caller passes those.

import type { ReactNode } from 'react';

export interface RunProgressProps {
  /** The job's error in the page's language, or null. */
  error: string | null;
  /** The bar's accessible name. */
  label: string;
  /** Units done and planned (steps, or steps × runs). */
  done: number;
  total: number;
  /** The line under the bar. */
  children: ReactNode;
  /** Test ids of the error, the bar and the line, where tests look for them. */
  errorTestId?: string;
  barTestId?: string;
  lineTestId?: string;
  /** Read the line out as it changes (screen readers). */
  live?: boolean;
}

export function RunProgress(props: RunProgressProps) {
  const { error, label, done, total } = props;
  return (
    <>
      {error && (
        <p className="alert error" role="alert" data-testid={props.errorTestId}>
          {error}
        </p>
      )}
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} data-testid={props.barTestId}>
        <div className="progress-fill" style={{ width: `${(100 * done) / Math.max(1, total)}%` }} />
      </div>
      <p className="train-progress" data-testid={props.lineTestId} aria-live={props.live ? 'polite' : undefined}>
        {props.children}
      </p>
    </>
  );
}
