// The translation layer: one i18next instance, framework-free, so charts (D3)
// and panels (React, through react-i18next, bound in main.tsx) read the same
// messages. Why i18next: typed keys with TypeScript, plurals through
// Intl.PluralRules, interpolation, namespaces per panel, no build step or
// compiler macro (Lingui needs one), and a small React binding.

import i18next from 'i18next';
import { type Locale, LOCALE_TAGS, isLocale } from './locales.ts';
import { NAMESPACES, resources } from './resources.ts';

export const i18n = i18next.createInstance();
void i18n.init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  ns: NAMESPACES,
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // React and D3's .text() escape; messages are plain text
  returnNull: false,
  initAsync: false, // resources are bundled: ready synchronously
});

/** The locale in force. */
export function currentLocale(): Locale {
  const lng = i18n.language;
  return isLocale(lng) ? lng : 'en';
}

/** Intl's tag for the locale in force (zh-CN for Chinese). */
export function currentTag(): string {
  return LOCALE_TAGS[currentLocale()];
}

export const t = i18n.t.bind(i18n);
export { type Locale, LOCALES, LOCALE_NAMES, LOCALE_TAGS, isLocale, resolveLocale } from './locales.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: (typeof resources)['en'];
    returnNull: false;
  }
}
