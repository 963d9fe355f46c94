// Tables and marked-up text for notebooks. Each is an object the kernel shows
// by its media bundle (see SvgFigure in loss-chart.ts): Jupyter renders the
// markdown or HTML, and a terminal (the headless runner) prints the plain text.

const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;

/** Markdown for Jupyter, with a plain-text twin for terminals. */
export class Markdown {
  constructor(readonly markdown: string, readonly plain: string = markdown) {}

  [JUPYTER_DISPLAY](): Record<string, string> {
    return { 'text/markdown': this.markdown, 'text/plain': this.plain };
  }
}

/**
 * A table: a markdown table in Jupyter, columns padded to line up in a terminal.
 * `align` gives each column's alignment ('r' for numbers); left by default.
 */
export function table(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): Markdown {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const markdown = [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${headers.map((_, i) => (align[i] === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number) => (align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const plain = [
    headers.map(pad).join('  '),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map((r) => r.map(pad).join('  ')),
  ].join('\n');
  return new Markdown(markdown, plain);
}

/** A piece of text, marked or not (e.g. part of a repeated n-gram). */
export interface TextPiece {
  text: string;
  marked: boolean;
}

/**
 * Text with some stretches highlighted: a yellow <mark> in Jupyter, ⟦double
 * brackets⟧ in plain text (single brackets occur in Shakespeare's stage directions).
 */
export class MarkedText {
  constructor(readonly pieces: readonly TextPiece[], readonly caption = '') {}

  get plain(): string {
    return this.pieces.map((p) => (p.marked ? `⟦${p.text}⟧` : p.text)).join('');
  }

  [JUPYTER_DISPLAY](): Record<string, string> {
    const body = this.pieces.map((p) => (p.marked ? `<mark>${escapeHTML(p.text)}</mark>` : escapeHTML(p.text))).join('');
    const caption = this.caption ? `<div style="font-weight:bold;margin-bottom:4px">${escapeHTML(this.caption)}</div>` : '';
    return {
      'text/html': `<div>${caption}<pre style="white-space:pre-wrap;font-family:monospace">${body}</pre></div>`,
      'text/plain': (this.caption ? `${this.caption}\n` : '') + this.plain,
    };
  }
}

function escapeHTML(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}
