// Every string a person reads goes through the translation layer. This reads
// each src/**/*.tsx with TypeScript's parser and lists, as file:line, the
// visible text written in place: JSX text with a letter (Latin or CJK),
// string literals given as JSX children ({'…'}, {cond && '…'}), and string
// literals for the props a person reads or hears (aria-label, title,
// placeholder, alt, label, …). Text that is only numbers and symbols passes;
// so do Hugging Face parameter names in <code> and the few names below.

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

/** Props whose value a person reads (or a screen reader says). data-testid, className, role… are not among them. */
const VISIBLE_PROPS = new Set([
  'aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription', 'title', 'placeholder', 'alt', 'label',
  // This project's components that put a prop on screen: NumberInput's hint, Panel's badge.
  'hint', 'badge',
]);

/** Names written the same in every language, with why. Matched against the whole trimmed text. */
const ALLOWED: Record<string, string> = {
  'TensorFlow.js': 'a library’s name',
  WebGL: 'a browser API’s name',
  LoRA: 'the method’s name, used as is in Chinese too',
  QLoRA: 'the method’s name, used as is in Chinese too',
  'GPT-2': 'a model’s name',
  '#model=dev-tiny': 'a link’s text: what to type in the address',
  distilgpt2: 'a Hugging Face Hub repo id, the example typed into the address field',
};

/**
 * Text a code element (<code>, <var>, <kbd>, <sub>, <sup>, or one of class "sym") may hold as is:
 * Hugging Face parameter names (top_k), file names, identifiers, addresses, a formula's symbols (r, α).
 */
const CODE_TEXT = /^[\w.:/\-=@\p{Script=Greek}]+$/u;
const CODE_TAGS = new Set(['code', 'var', 'kbd', 'sub', 'sup']);
/** A Hugging Face parameter's value as Python writes it, e.g. early_stopping="never". */
const QUOTED_VALUE = /^"\w+"$/;
/** A file's name (adapter_config.json): the same in every language. */
const FILE_NAME = /^[\w.-]+\.(json|safetensors|txt|bin|md)$/;

/** A formula's symbols: every word one letter (x, A, r, h), Greek (α), or a Δ before one letter (ΔW = …). */
function isFormula(text: string): boolean {
  return (text.match(/\p{L}+/gu) ?? []).every((w) => /^Δ?\p{L}$/u.test(w) || /^\p{Script=Greek}+$/u.test(w));
}

const hasLetter = (text: string) => /[\p{L}]/u.test(text);

interface Finding {
  where: string;
  text: string;
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return files(full);
    return e.name.endsWith('.tsx') ? [full] : [];
  });
}

/** The literal text parts of an expression that would be shown as they are: '…', `…${x}…`, cond ? '…' : '…', cond && '…'. */
function literalTexts(e: ts.Expression): string[] {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isTemplateExpression(e)) return [e.head.text, ...e.templateSpans.map((s) => s.literal.text)];
  if (ts.isParenthesizedExpression(e)) return literalTexts(e.expression);
  if (ts.isConditionalExpression(e)) return [...literalTexts(e.whenTrue), ...literalTexts(e.whenFalse)];
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return literalTexts(e.right);
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return [...literalTexts(e.left), ...literalTexts(e.right)];
    if (op === ts.SyntaxKind.PlusToken) return [...literalTexts(e.left), ...literalTexts(e.right)];
  }
  return [];
}

function tagName(node: ts.JsxElement | ts.JsxSelfClosingElement | ts.JsxFragment): string {
  if (ts.isJsxFragment(node)) return '';
  const tag = ts.isJsxElement(node) ? node.openingElement.tagName : node.tagName;
  return tag.getText();
}

export function findVisibleStrings(file: string): Finding[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const findings: Finding[] = [];
  const rel = path.relative(ROOT, file);
  const report = (node: ts.Node, text: string) => {
    const trimmed = text.replace(/\s+/g, ' ').trim();
    if (!hasLetter(trimmed) || trimmed in ALLOWED || QUOTED_VALUE.test(trimmed) || FILE_NAME.test(trimmed) || isFormula(trimmed)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    findings.push({ where: `${rel}:${line}`, text: trimmed });
  };
  const inCode = (node: ts.Node) => {
    const parent = node.parent;
    if (!ts.isJsxElement(parent)) return false;
    if (CODE_TAGS.has(tagName(parent))) return true;
    const className = parent.openingElement.attributes.properties.find(
      (a): a is ts.JsxAttribute => ts.isJsxAttribute(a) && a.name.getText(source) === 'className',
    );
    return Boolean(className?.initializer && ts.isStringLiteral(className.initializer) && className.initializer.text.split(/\s+/).includes('sym'));
  };

  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      const text = node.getText(source);
      if (!(inCode(node) && CODE_TEXT.test(text.trim()))) report(node, text);
    } else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const text of literalTexts(node.expression)) if (!(inCode(node) && CODE_TEXT.test(text.trim()))) report(node, text);
    } else if (ts.isJsxAttribute(node) && VISIBLE_PROPS.has(node.name.getText(source)) && node.initializer) {
      const init = node.initializer;
      if (ts.isStringLiteral(init)) report(node, init.text);
      else if (ts.isJsxExpression(init) && init.expression) for (const text of literalTexts(init.expression)) report(node, text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

describe('visible text', () => {
  it('goes through the translation layer in every .tsx file', () => {
    const findings = files(SRC).flatMap(findVisibleStrings);
    const byFile = new Map<string, number>();
    for (const f of findings) {
      const file = f.where.split(':')[0];
      byFile.set(file, (byFile.get(file) ?? 0) + 1);
    }
    const message = [
      `${findings.length} visible strings are written in place instead of through t() (src/i18n):`,
      ...[...byFile].map(([file, n]) => `  ${file}: ${n}`),
      '',
      ...findings.map((f) => `  ${f.where}  ${JSON.stringify(f.text.length > 90 ? `${f.text.slice(0, 87)}…` : f.text)}`),
    ].join('\n');
    expect(findings.length, message).toBe(0);
  });

  it('is found by this scan: JSX text, string children and the props a person reads', () => {
    const sample = path.join(ROOT, 'tmp', 'visible-strings-sample.tsx');
    fs.mkdirSync(path.dirname(sample), { recursive: true });
    fs.writeFileSync(
      sample,
      [
        'export const A = () => (',
        '  <div aria-label="Close" data-testid="x" className="big">',
        '    Hello',
        "    {ok && 'Shown'}",
        '    <code>top_k</code> → 1.5 × 2',
        "    <input placeholder={'Type here'} title={label} />",
        '    {t("key")} 中文',
        '    <text>ΔW = B·A × α/r</text> <b>adapter_config.json</b>',
        '  </div>',
        ');',
      ].join('\n'),
    );
    const found = findVisibleStrings(sample).map((f) => `${f.where.split(':')[1]} ${f.text}`);
    fs.rmSync(sample);
    expect(found).toEqual(['2 Close', '3 Hello', '4 Shown', '6 Type here', '7 中文']);
  });
});
