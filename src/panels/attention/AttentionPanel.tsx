import type { PanelProps } from '../panelProps.ts';
import { AttentionSlot } from '../slots.tsx';

export function AttentionPanel(props: PanelProps) {
  return <AttentionSlot state={props.state} model={props.model} />;
}
