// Thin React wrapper around the framework-free D3 line chart: React owns the
// container, the chart owns what is inside it.

import { useEffect, useRef } from 'react';
import { type LineChart, type LineChartData, type LineChartOptions, createLineChart } from '../charts/lineChart.ts';

export function LineChartView(props: { data: LineChartData; options: LineChartOptions; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<LineChart | null>(null);
  const { xLabel, yLabel, height, title } = props.options;

  useEffect(() => {
    const element = container.current!;
    const c = createLineChart(element, { xLabel, yLabel, height, title });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      c.destroy();
      chart.current = null;
    };
  }, [xLabel, yLabel, height, title]);

  useEffect(() => {
    chart.current?.update(props.data);
  }, [props.data, xLabel, yLabel, height, title]);

  return <div className="chart" ref={container} data-testid={props.testId} />;
}
