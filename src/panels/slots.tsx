// Slots for the panels other work is building. Each says plainly what it will
// show and which settings of the link it will read; none pretends to work yet.

import type { PlaygroundState } from '../state/schema.ts';
import { Panel } from './Panel.tsx';

function Planned({ items }: { items: string[] }) {
  return (
    <>
      <p className="planned-intro">This panel is being built. It will show:</p>
      <ul className="planned">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </>
  );
}

function Settings({ rows }: { rows: [string, string][] }) {
  return (
    <div className="settings-list">
      <span className="field-label">Settings it will read, already part of the link</span>
      <dl>
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd data-testid={`setting-${name}`}>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function SamplingSlot({ state }: { state: PlaygroundState }) {
  return (
    <Panel
      id="sampling"
      title="Sampling & repetition"
      badge="being built"
      explanation={
        <>
          <p>
            The model does not write text; it gives a probability to every possible next token. A <em>decoding strategy</em>{' '}
            turns those probabilities into one choice. Greedy decoding (the Generate button above) always takes the most likely
            token — and soon repeats itself, because once a phrase has appeared, repeating it becomes the most likely
            continuation.
          </p>
          <p>
            <strong>Temperature</strong> divides the scores before they become probabilities: below 1 sharpens them, above 1
            flattens them. <strong>Top-k</strong> keeps only the k likeliest tokens; <strong>top-p</strong> (nucleus sampling)
            keeps the fewest tokens whose probabilities add up to p. The seed fixes the random draws, so a link reproduces a
            sample exactly.
          </p>
        </>
      }
    >
      <Planned
        items={[
          'the next-token distribution at each step, before and after temperature, top-k and top-p',
          'seeded sampling, so the same link gives the same text',
          'how often greedy and sampled text repeat themselves, measured',
        ]}
      />
      <Settings
        rows={[
          ['temperature', String(state.temperature)],
          ['top_k', state.topK === 0 ? '0 (off)' : String(state.topK)],
          ['top_p', state.topP === 1 ? '1 (off)' : String(state.topP)],
          ['seed', String(state.seed)],
        ]}
      />
    </Panel>
  );
}

export function LessonsSlot() {
  return (
    <Panel
      id="lessons"
      title="Lessons"
      badge="to come"
      explanation={
        <p>
          Lessons will be guided walks through the panels: each sets the playground to a state (a link), asks a question, and
          explains what you see. Because every setting lives in the link, a lesson is a list of links with prose between them.
        </p>
      }
    >
      <p className="planned-intro">No lessons have been written yet. This space is kept for them.</p>
    </Panel>
  );
}
