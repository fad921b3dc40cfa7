/** Pure shaping of API figures and labels for the views (no DOM, no storage, so unit tests import it). */

/** The trend's plotted values (major units): a month after `thisMonth` (YYYY-MM) has no actual yet → null, not 0. */
export function trendPoints(trend: { month: string; amount: number }[], thisMonth: string): (number | null)[] {
  return trend.map((m) => (m.month > thisMonth ? null : m.amount / 100));
}

/**
 * The default pipeline's stages in both languages, by stage id. A stage an admin renamed (its name is no longer the
 * default English one) or added keeps the name GET /pipeline gives it.
 */
const STAGES: Record<string, { en: string; zh: string }> = {
  lead: { en: 'Lead', zh: '线索' },
  qualified: { en: 'Qualified', zh: '已确认' },
  needs_analysis: { en: 'Needs analysis', zh: '需求分析' },
  proposal: { en: 'Proposal', zh: '方案报价' },
  negotiation: { en: 'Negotiation', zh: '商务谈判' },
  won: { en: 'Won', zh: '赢单' },
  lost: { en: 'Lost', zh: '输单' },
};

export function stageName(stage: { id: string; name?: string }, lang: 'en' | 'zh-CN'): string {
  const known = STAGES[stage.id];
  if (!known || (stage.name && stage.name !== known.en)) return stage.name ?? stage.id;
  return lang === 'zh-CN' ? known.zh : known.en;
}

/** "1 deal", "2 deals" (English plural rules); "1 个商机" (Chinese has no plural). */
export function countDeals(n: number, lang: 'en' | 'zh-CN'): string {
  if (lang === 'zh-CN') return `${n} 个商机`;
  return `${n} ${new Intl.PluralRules('en').select(n) === 'one' ? 'deal' : 'deals'}`;
}
