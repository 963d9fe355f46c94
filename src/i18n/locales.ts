// The locales the playground speaks, and which one a visit gets: the link's
// `lang` when it names one, else the browser's languages in order, else English.

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

/** The BCP 47 tag for <html lang> and Intl: Simplified Chinese as used in mainland China. */
export const LOCALE_TAGS: Record<Locale, string> = { en: 'en', zh: 'zh-CN' };

/** What the language switch shows for each locale, in its own language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', zh: '中文' };

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/**
 * `fromLink` is the link's `lang` ('auto' or absent: not chosen); `browser` is
 * navigator.languages. Any zh-* (zh-CN, zh-Hans, zh-TW…) gets Chinese: the
 * interface is written in Simplified Chinese, the nearest we have.
 */
export function resolveLocale(fromLink: string | undefined, browser: readonly string[]): Locale {
  if (fromLink && isLocale(fromLink)) return fromLink;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}
