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

/** Server enum values (roles, leaderboard metrics, intent, health bands, churn stages) in both languages; an unknown value shows as sent. */
const LABELS: Record<string, { en: string; zh: string }> = {
  'role:rep': { en: 'Sales rep', zh: '销售代表' },
  'role:manager': { en: 'Manager', zh: '经理' },
  'role:director': { en: 'Director', zh: '总监' },
  'role:vp': { en: 'VP of Sales', zh: '销售副总裁' },
  'role:finance': { en: 'Finance', zh: '财务' },
  'role:admin': { en: 'Administrator', zh: '管理员' },
  'metric:attainment': { en: 'Attainment', zh: '达成率' },
  'metric:won_amount': { en: 'Won amount', zh: '赢单金额' },
  'metric:nps': { en: 'NPS', zh: 'NPS（净推荐值）' },
  'intent:hot': { en: 'Hot', zh: '高' },
  'intent:warm': { en: 'Warm', zh: '中' },
  'intent:cold': { en: 'Cold', zh: '低' },
  'band:green': { en: 'Healthy', zh: '健康' },
  'band:yellow': { en: 'At risk', zh: '有风险' },
  'band:red': { en: 'Critical', zh: '高危' },
  'churn:analysing': { en: 'Analysing', zh: '分析中' },
  'churn:planning': { en: 'Planning', zh: '制定计划' },
  'churn:awaiting_outcome': { en: 'Awaiting outcome', zh: '等待结果' },
  'churn:closed': { en: 'Closed', zh: '已关闭' },
  'churn:open': { en: 'Open', zh: '处理中' },
};

export function enumLabel(kind: 'role' | 'metric' | 'intent' | 'band' | 'churn', value: string, lang: 'en' | 'zh-CN'): string {
  const known = LABELS[`${kind}:${value}`];
  return known ? (lang === 'zh-CN' ? known.zh : known.en) : value;
}

/** A dashboard / leaderboard scope as a person reads it: "Me", the team's or region's name, "Company". */
export function scopeName(scope: string, names: Map<string, string>, lang: 'en' | 'zh-CN'): string {
  const zh = lang === 'zh-CN';
  if (scope === 'me') return zh ? '我' : 'Me';
  if (scope === 'company') return zh ? '全公司' : 'Company';
  const [kind, id = ''] = scope.split(':');
  if (kind === 'team') return `${zh ? '团队' : 'Team'}: ${names.get(id) ?? id}`;
  if (kind === 'region') return `${zh ? '区域' : 'Region'}: ${names.get(id) ?? id}`;
  return scope;
}

/** The lines under an API error: each invalid field with its message ("period: Invalid …"). */
export const fieldLines = (fields: Record<string, string> | undefined): string[] => Object.entries(fields ?? {}).map(([field, message]) => `${field}: ${message}`);
