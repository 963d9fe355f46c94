// The one bridge between React and the framework-free D3 pieces: React owns
// the container, the chart owns what is inside it (as LossChart.tsx does).

import { type RefObject, useEffect, useRef } from 'react';

export interface ChartPiece<D> {
  update(data: D): void;
  resize?(): void;
  destroy(): void;
}

/**
 * Creates the chart once per container (and again when `recreate` changes),
 * feeds it `data` whenever that changes, and redraws it when its container
 * is resized (including when a hidden tab becomes visible).
 */
export function useChart<D, E extends HTMLElement = HTMLDivElement>(
  create: (element: HTMLElement) => ChartPiece<D>,
  data: D | null,
  recreate: readonly unknown[] = [],
): RefObject<E | null> {
  const container = useRef<E>(null);
  const chart = useRef<ChartPiece<D> | null>(null);
  const latest = useRef<D | null>(data);
  latest.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const c = create(element);
    chart.current = c;
    if (latest.current !== null) c.update(latest.current);
    // The observer reports each size once layout is done, so reading it costs nothing; the first report is the size the chart was drawn at.
    let width: number | null = null;
    const observer = new ResizeObserver((entries) => {
      const next = entries[entries.length - 1].contentRect.width;
      if (width === null || next === width) {
        width = next;
        return;
      }
      width = next;
      if (c.resize) c.resize();
      else if (latest.current !== null) c.update(latest.current);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      c.destroy();
      chart.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, recreate);

  useEffect(() => {
    if (data !== null) chart.current?.update(data);
  }, [data]);

  return container;
}
