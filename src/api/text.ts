/**
 * Counts in words, for every message pulumi-flow prints (flow-audit, the policy pack, the
 * rules, the simulator): "1 integration", "2 integrations". It lives at the bottom room so
 * that every other room may use it; the word is chosen by the English plural rules.
 */
const PLURAL = new Intl.PluralRules("en-US");

/** The singular or the plural form for `n` ("integration" for 1, "integrations" otherwise; plural defaults to singular + "s"). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return PLURAL.select(n) === "one" ? singular : pluralForm;
}

/** "1 integration", "0 integrations", "2 connection statuses" (plural given when it is not singular + "s"). */
export function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${plural(n, singular, pluralForm)}`;
}
