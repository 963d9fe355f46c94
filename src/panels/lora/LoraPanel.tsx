import type { PanelProps } from '../panelProps.ts';
import { LoraSlot } from '../slots.tsx';

export function LoraPanel(_props: PanelProps) {
  return <LoraSlot />;
}
