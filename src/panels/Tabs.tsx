// The row of panel tabs, keyboard-operable as the WAI-ARIA tabs pattern asks:
// Tab reaches the chosen tab (only it is in the Tab order), ← → move to the
// previous / next tab and open it, Home / End the first / last. The tab
// panels carry the matching ids (`tabpanel-…`).

import { type KeyboardEvent, useRef } from 'react';

export function TabList<Id extends string>(props: {
  ids: readonly Id[];
  labels: Record<Id, string>;
  selected: Id;
  onSelect: (id: Id) => void;
  label: string;
}) {
  const { ids, labels, selected, onSelect } = props;
  const list = useRef<HTMLDivElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = ids.indexOf(selected);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const id = ids[(to + ids.length) % ids.length];
    onSelect(id);
    list.current?.querySelector<HTMLElement>(`#tab-${id}`)?.focus();
  };

  return (
    <div className="tabs" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKeyDown}>
      {ids.map((id) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-selected={selected === id}
          aria-controls={`tabpanel-${id}`}
          tabIndex={selected === id ? 0 : -1}
          data-testid={`tab-${id}`}
          className={selected === id ? 'tab active' : 'tab'}
          onClick={() => onSelect(id)}
        >
          {labels[id]}
        </button>
      ))}
    </div>
  );
}
