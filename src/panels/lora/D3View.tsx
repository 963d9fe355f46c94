// A thin React wrapper for the LoRA panel's framework-free D3 pieces: React
// owns the container, the chart owns what is inside it and redraws on
// `update(data)` (and on resize, when it can).

import { useEffect, useRef } from 'react';

export interface D3Piece<D> {
  update(data: D): void;
  resize?(): void;
  destroy(): void;
}

export function D3View<D>(props: { create: (container: HTMLElement) => D3Piece<D>; data: D; testId?: string; className?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const piece = useRef<D3Piece<D> | null>(null);
  const { create, data } = props;

  useEffect(() => {
    const element = container.current!;
    const p = create(element);
    piece.current = p;
    const observer = p.resize ? new ResizeObserver(() => p.resize!()) : null;
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      p.destroy();
      piece.current = null;
    };
  }, [create]);

  useEffect(() => {
    piece.current?.update(data);
  }, [create, data]);

  return <div className={props.className ?? 'chart'} ref={container} data-testid={props.testId} />;
}
