// English / 中文 in the header. The choice goes into the link (lang=en / lang=zh);
// without one the browser's languages decide (src/i18n/locales.ts).

import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES, LOCALE_NAMES, LOCALE_TAGS, type Locale, resolveLocale } from '../i18n/index.ts';
import type { LangSetting } from '../state/schema.ts';

/** Puts the locale the link or the browser asks for in force, and on <html lang>. */
export function useLocale(setting: LangSetting): Locale {
  const { i18n } = useTranslation();
  const locale = resolveLocale(setting === 'auto' ? undefined : setting, navigator.languages ?? [navigator.language]);
  useLayoutEffect(() => {
    if (i18n.language !== locale) void i18n.changeLanguage(locale);
    document.documentElement.lang = LOCALE_TAGS[locale];
  }, [i18n, locale]);
  return locale;
}

export function LanguageSwitch({ locale, onChoose }: { locale: Locale; onChoose: (locale: Locale) => void }) {
  const { t } = useTranslation();
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={LOCALE_TAGS[l]}
          className={l === locale ? 'lang active' : 'lang'}
          aria-pressed={l === locale}
          data-testid={`lang-${l}`}
          onClick={() => onChoose(l)}
        >
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}
