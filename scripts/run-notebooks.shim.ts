// What the Deno Jupyter kernel provides and a plain `deno run` lacks, for
// scripts/run-notebooks.ts: `Deno.jupyter` (its display calls print a one-line
// summary instead of drawing), a cell's last expression shown as the kernel
// would show it, and a marker as each cell starts so the runner can say which
// cell failed.

type MediaBundle = Deno.jupyter.MediaBundle;

// The kernel's `Deno.jupyter.$display` is this registered symbol.
const DISPLAY = Symbol.for('Jupyter.display');

async function format(value: unknown): Promise<MediaBundle> {
  if (typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[DISPLAY] === 'function') {
    return await (value as { [DISPLAY]: () => MediaBundle | Promise<MediaBundle> })[DISPLAY]();
  }
  return { 'text/plain': Deno.inspect(value, { colors: false, depth: 4 }) };
}

/** Text stays text; a picture is named with its size, since a terminal cannot draw it. */
function print(bundle: MediaBundle): void {
  const text = bundle['text/markdown'] ?? bundle['text/plain'];
  const rich = Object.keys(bundle).filter((mime) => mime !== 'text/plain' && mime !== 'text/markdown');
  const summary = rich.map((mime) => {
    const data = bundle[mime];
    const bytes = new TextEncoder().encode(typeof data === 'string' ? data : JSON.stringify(data)).length;
    return `[${mime}, ${bytes.toLocaleString('en')} bytes]`;
  });
  console.log([...summary, ...(typeof text === 'string' ? [text] : [])].join(' '));
}

const taggedTemplate = (mime: string) => (strings: TemplateStringsArray, ...values: unknown[]) => ({
  [DISPLAY]: (): MediaBundle => ({ [mime]: String.raw({ raw: strings }, ...values) }),
});

const jupyterStandIn = {
  $display: DISPLAY,
  format,
  display: async (value: unknown, _options?: Deno.jupyter.DisplayOptions) => print(await format(value)),
  md: taggedTemplate('text/markdown'),
  html: taggedTemplate('text/html'),
  svg: taggedTemplate('image/svg+xml'),
  image: (source: string | Uint8Array) => ({
    [DISPLAY]: (): MediaBundle => ({ 'text/plain': `[image${typeof source === 'string' ? ` ${source}` : ''}]` }),
  }),
  broadcast: async () => {},
};

try {
  void Deno.jupyter; // outside the kernel, reading it throws
} catch {
  (Deno as unknown as { jupyter: unknown }).jupyter = jupyterStandIn;
}

export const notebook = {
  /** Printed before each cell's code runs; scripts/run-notebooks.ts reads the marker back. */
  cell(index: number, firstLine: string): void {
    console.log(`\n── code cell ${index}: ${firstLine} ──`);
  },
  /** A cell's last expression, shown as the kernel shows it (nothing for undefined). */
  async show(value: unknown): Promise<void> {
    if (value !== undefined) print(await format(value));
  },
};
