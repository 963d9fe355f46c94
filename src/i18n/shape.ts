/**
 * The shape every locale's messages must have: the same keys as the English
 * ones, each a string. A Chinese namespace declared as `Messages<typeof en>`
 * fails to compile when it lacks a key or has one English does not.
 */
export type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
