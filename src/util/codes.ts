// What the core reports in words (a notice, a link it could not read, an error)
// it also reports as data: a code from a closed union and the values the
// sentence needs. The page says it in the reader's language from those; the
// English sentence travels along for logs, Node and notebooks.

/** The values a message needs, as plain data: they cross postMessage and fill a translation's {{placeholders}}. */
export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * Every member of a string union, as an array the compiler checks complete:
 * `codesOf<Code>({ a: 0, b: 0 })` fails to build when Code gains or loses a member.
 */
export function codesOf<C extends string>(table: Record<C, 0>): readonly C[] {
  return Object.keys(table) as C[];
}
