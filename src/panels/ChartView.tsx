// The one bridge between React and the framework-free D3 charts (charts/chart.ts):
// React owns the container, the chart owns what is inside it. `useChart` is the
// bridge; `ChartView` is the same bridge with its container element written out.

import { type HTMLAttributes, type RefObject, useEffect, useRef } from 'react';
import type { Chart } from '../charts/chart.ts';

/**
 * Creates the chart when the container mounts (and again when a value in
 * `recreate` changes: the chart's options), feeds it `data` whenever that
 * changes, and redraws it when the container's width changes (including when a
 * hidden tab becomes visible). `create` may be an inline function: its identity
 * is not a reason to rebuild.
 */
export function useChart<D, E extends HTMLElement = HTMLDivElement>(
  create: (container: HTMLElement) => Chart<D>,
  data: D | null,
  recreate: readonly unknown[] = [],
): RefObject<E | null> {
  const container = useRef<E>(null);
  const chart = useRef<Chart<D> | null>(null);
  const latest = useRef<D | null>(data);
  latest.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const c = create(element);
    chart.current = c;
    if (latest.current !== null) c.update(latest.current);
    // The observer reports each size once layout is done; its first report is the size the chart was just drawn at.
    let width: number | null = null;
    const observer = new ResizeObserver((entries) => {
      const next = entries[entries.length - 1].contentRect.width;
      const first = width === null;
      const changed = next !== width;
      width = next;
      if (first || !changed) return;
      if (c.resize) c.resize();
      else if (latest.current !== null) c.update(latest.current);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      c.destroy();
      chart.current = null;
    };
  }, recreate);

  useEffect(() => {
    if (data !== null) chart.current?.update(data);
  }, [data]);

  return container;
}

/** A `<div>` holding one chart; any other prop (className, data-testid, data-*) goes on the div. */
export function ChartView<D>({
  create,
  data,
  recreate,
  className = 'chart',
  ...rest
}: {
  create: (container: HTMLElement) => Chart<D>;
  data: D | null;
  recreate?: readonly unknown[];
} & Omit<HTMLAttributes<HTMLDivElement>, 'children'> & { [dataAttribute: `data-${string}`]: string | number | undefined }) {
  const ref = useChart(create, data, recreate);
  return <div ref={ref} className={className} {...rest} />;
}
