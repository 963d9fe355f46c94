/**
 * Runs notebooks headlessly, as CI does: each notebook's code cells, in order,
 * become one TypeScript module next to the notebook, which Deno type-checks and
 * then runs with NOTEBOOK_SIZE=small, from the notebook's folder as the Jupyter
 * kernel would. A cell's last expression is printed, as the kernel shows it,
 * and `Deno.jupyter` is stood in for (scripts/run-notebooks.shim.ts). A failure
 * names the notebook and the cell.
 *
 *   npx tsx scripts/run-notebooks.ts [--size small|full] [--keep] [notebooks/NAME.ipynb ...]
 *
 * Without paths it runs every notebooks/*.ipynb. --keep leaves the generated
 * module (notebooks/.NAME.run.ts) in place to run or debug by hand.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHIM = path.join(ROOT, 'scripts', 'run-notebooks.shim.ts');
// The binary the `deno` npm package ships (its own bin script finds it the same way).
const DENO = (createRequire(import.meta.url)('deno/install_api.cjs') as { runInstall(): string }).runInstall();
/** A notebook that runs longer than this at the chosen size has hung (small runs take seconds). */
const TIMEOUT_MS = 5 * 60_000;

interface NotebookJSON {
  metadata?: { kernelspec?: { name?: string } };
  cells: { cell_type: string; source: string | string[] }[];
}

interface CodeCell {
  /** 1-based among the code cells: after "Run All" in Jupyter, the cell shown as In [index]. */
  index: number;
  source: string;
  /** First line of the cell in the generated module (1-based). */
  startLine: number;
}

interface Outcome {
  notebook: string;
  ok: boolean;
  seconds: number;
  message?: string;
}

let size = 'small';
let keep = false;
const paths: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--size') size = process.argv[++i];
  else if (arg === '--keep') keep = true;
  else paths.push(path.resolve(arg));
}
const notebooksDir = path.join(ROOT, 'notebooks');
const notebooks = paths.length > 0
  ? paths
  : fs.readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(notebooksDir, f));
if (notebooks.length === 0) {
  console.error('No notebooks found in notebooks/.');
  process.exit(1);
}

const started = performance.now();
const outcomes: Outcome[] = [];
for (const file of notebooks) outcomes.push(await runNotebook(file));

console.log('\n── summary ──');
for (const o of outcomes) console.log(`${o.ok ? '✓' : '✗'} ${o.notebook} (${o.seconds.toFixed(1)} s)${o.ok ? '' : `: ${o.message}`}`);
console.log(`${outcomes.filter((o) => o.ok).length} of ${outcomes.length} notebooks ran at size '${size}' in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);

async function runNotebook(file: string): Promise<Outcome> {
  const name = path.relative(ROOT, file);
  const t0 = performance.now();
  const done = (message?: string): Outcome => ({ notebook: name, ok: message === undefined, seconds: (performance.now() - t0) / 1000, message });
  console.log(`\n━━ ${name} ━━`);

  let nb: NotebookJSON;
  try {
    nb = JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJSON;
  } catch (e) {
    return done(`cannot read the notebook: ${(e as Error).message}`);
  }
  const kernel = nb.metadata?.kernelspec?.name;
  if (kernel !== 'deno') return done(`its kernel is ${JSON.stringify(kernel)}, not "deno"; only Deno notebooks can run here.`);

  const dir = path.dirname(file);
  const script = path.join(dir, `.${path.basename(file, '.ipynb')}.run.ts`);
  const shimImport = path.relative(dir, SHIM).split(path.sep).join('/');
  const { text, cells } = generateModule(nb, name, shimImport.startsWith('.') ? shimImport : `./${shimImport}`);
  fs.writeFileSync(script, text);
  const locate = (line: number) => {
    const cell = cells.filter((c) => c.startLine <= line).at(-1);
    return cell ? { cell, line: line - cell.startLine + 1 } : undefined;
  };
  // Deno names the module by path or file URL; point at the notebook's cell instead.
  const location = new RegExp(`(?:file://)?${escapeRegExp(script)}:(\\d+):(\\d+)`, 'g');
  const rewrite = (line: string) => line.replace(location, (whole, l: string, c: string) => {
    const at = locate(Number(l));
    return at ? `${name} code cell ${at.cell.index}, line ${at.line}:${c}` : whole;
  });
  const describeCell = (cell: CodeCell) => `code cell ${cell.index} (${firstCodeLine(cell.source)})`;

  try {
    const check = await deno(['check', path.basename(script)], dir, rewrite);
    if (check.code !== 0) {
      const first = check.output.match(new RegExp(`${escapeRegExp(name)} code cell (\\d+), line (\\d+)`));
      const where = first ? `first error in ${describeCell(cells[Number(first[1]) - 1])}, line ${first[2]}` : 'see the errors above';
      return done(`type check failed (${where})`);
    }
    let current: CodeCell | undefined;
    const run = await deno(['run', '--allow-all', '--quiet', path.basename(script)], dir, (line) => {
      const marker = /^── code cell (\d+): /.exec(line);
      if (marker) current = cells[Number(marker[1]) - 1];
      return rewrite(line);
    });
    if (run.timedOut) return done(`timed out after ${TIMEOUT_MS / 60_000} minutes in ${current ? describeCell(current) : 'its imports'}`);
    if (run.code !== 0) {
      return done(`failed in ${current ? describeCell(current) : 'its imports, before the first cell ran'} (exit code ${run.code})`);
    }
    return done();
  } finally {
    if (!keep) fs.rmSync(script, { force: true });
  }
}

/** The notebook's code cells joined into one module, each preceded by a marker call. */
function generateModule(nb: NotebookJSON, name: string, shimImport: string): { text: string; cells: CodeCell[] } {
  const lines = [
    `// Generated by scripts/run-notebooks.ts from ${name}; edit the notebook, not this file.`,
    `import { notebook as __notebook } from '${shimImport}';`,
  ];
  const cells: CodeCell[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const index = cells.length + 1;
    lines.push(`;__notebook.cell(${index}, ${JSON.stringify(firstCodeLine(source))});`);
    cells.push({ index, source, startLine: lines.length + 1 });
    lines.push(...showLastExpression(source).split('\n'));
  }
  return { text: lines.join('\n') + '\n', cells };
}

/**
 * The kernel displays the value of a cell's last expression statement; here it
 * is passed to the shim's `show`. Only that statement's own text changes, so
 * line numbers inside the cell stay as they are.
 */
function showLastExpression(source: string): string {
  const file = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const last = file.statements.at(-1);
  if (!last || !ts.isExpressionStatement(last)) return source;
  return `${source.slice(0, last.getStart(file))}await __notebook.show((${last.expression.getText(file)}));${source.slice(last.end)}`;
}

function firstCodeLine(source: string): string {
  const line = source.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('//')) ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** Runs the project's Deno, echoing its output line by line through `transform`. */
function deno(argv: string[], cwd: string, transform: (line: string) => string): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(DENO, argv, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NOTEBOOK_SIZE: size, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    });
    let output = '';
    const forward = (stream: NodeJS.ReadableStream, sink: NodeJS.WriteStream) => {
      let pending = '';
      const emit = (line: string) => {
        const shown = transform(line);
        output += shown + '\n';
        sink.write(shown + '\n');
      };
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (pending + chunk).split('\n');
        pending = parts.pop() ?? '';
        parts.forEach(emit);
      });
      stream.on('end', () => { if (pending) emit(pending); });
    };
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill(); }, TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
