// The one bridge between React and the framework-free D3 charts: React owns
// the container, the chart owns what is inside it; new data goes to update().

import { useEffect, useRef } from 'react';

export interface D3Chart<T> {
  update(data: T): void;
  resize?(): void;
  destroy(): void;
}

export function D3View<T>(props: { create: (container: HTMLElement) => D3Chart<T>; data: T; testId?: string; className?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<D3Chart<T> | null>(null);
  // The chart is built once per mount: callers may pass an inline `create`,
  // so its identity is not a reason to rebuild (data changes go through update).
  const create = useRef(props.create);

  useEffect(() => {
    const element = container.current!;
    const c = create.current(element);
    chart.current = c;
    c.update(props.data);
    const observer = c.resize ? new ResizeObserver(() => c.resize!()) : null;
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      c.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.update(props.data);
  }, [props.data]);

  return <div className={props.className ?? 'chart'} ref={container} data-testid={props.testId} />;
}
