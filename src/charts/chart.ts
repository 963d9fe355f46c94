// The one shape every chart has (after TensorFlow Playground's heatmap.ts and
// linechart.ts): built once on a container by a `create…(container, options)`
// function, then redrawn from plain data. React reaches charts only through
// panels/ChartView.tsx, which relies on nothing but this interface.

export interface Chart<D> {
  /** Draws `data`, replacing whatever the chart showed before. */
  update(data: D): void;
  /** Redraws at the container's current size; charts without it are redrawn with update(). */
  resize?(): void;
  /** Removes everything the chart added to its container. */
  destroy(): void;
}

/**
 * The text alternative of a drawing: `role="img"` and a label that says what it
 * shows (the title, then the numbers a sighted reader would take from it), so
 * a screen reader reads one sentence instead of hundreds of shapes.
 */
export function describe(element: Element, title: string, summary = ''): void {
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', summary ? `${title}. ${summary}` : title);
}

/** A number in a text alternative: 3 significant digits, no trailing zeros. */
export function spoken(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'infinity' : v < 0 ? 'minus infinity' : 'not a number';
  return Number(v.toPrecision(3)).toString();
}

/** "a, b and c" (a screen reader pauses at commas). */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
