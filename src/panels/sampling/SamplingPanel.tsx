import type { PanelProps } from '../panelProps.ts';
import { SamplingSlot } from '../slots.tsx';

export function SamplingPanel(props: PanelProps) {
  return <SamplingSlot state={props.state} />;
}
