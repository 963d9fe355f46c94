import type { EngineClient } from '../engine/client.ts';
import type { ModelInfo } from '../engine/protocol.ts';
import type { PlaygroundState, SettingKey } from '../state/schema.ts';

/** What App hands every panel: the engine, the shared state and the embedded model once loaded. */
export interface PanelProps {
  client: EngineClient | null;
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  /** The embedded model, once it is loaded. */
  model: ModelInfo | null;
}
