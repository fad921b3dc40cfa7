import { countDeals, enumLabel, scopeName, stageName } from './figures.ts';

/** zh-CN and en labels: one small dictionary, the choice kept in localStorage. */
const en = {
  signIn: 'Sign in', signOut: 'Sign out', chooseUser: 'Choose a seeded user', signInAs: 'Sign in as', hostedUi: 'Sign in with your company account',
  localStage: 'Local stack: pick a seeded user to get a token from POST /dev/token.',
  dashboard: 'Dashboard', pipeline: 'Pipeline', approvals: 'Approvals', customers: 'Customers', followUps: 'Follow-ups', leaderboard: 'Leaderboard', reviews: 'Reviews',
  period: 'Period', scope: 'Scope', show: 'Show', actual: 'Actual', target: 'Target', pace: 'Pace', attainment: 'Attainment',
  base: 'Base', sprint: 'Sprint', challenge: 'Challenge', trend: 'Monthly trend', funnel: 'Funnel', noTarget: 'No target for this scope and period yet.',
  topReps: 'Top reps', pendingApprovals: 'Pending approvals', openChurn: 'Open churn alerts', winRate: 'Win rate',
  stage: 'Stage', noDeals: 'No deals in this stage.', owner: 'Owner', amount: 'Amount', locked: 'Awaiting approval',
  inbox: 'My inbox', myRequests: 'My requests', noInbox: 'Nothing waiting for your decision.', noRequests: 'You have not requested any approvals.',
  approve: 'Approve', reject: 'Reject', comment: 'Comment', history: 'History', requestedBy: 'Requested by', reason: 'Reason', because: 'Because',
  step: 'Step', due: 'Due', decided: 'Your decision was recorded.', selectApproval: 'Select an approval to see its steps and history.',
  PENDING: 'Pending', APPROVED: 'Approved', REJECTED: 'Rejected', RECALLED: 'Recalled', EXPIRED: 'Expired', WAITING: 'Waiting', DECIDED: 'Decided', SKIPPED: 'Skipped',
  name: 'Name', tier: 'Tier', health: 'Health', intent: 'Intent', nextFollowUp: 'Next follow-up', churnAlerts: 'Churn alerts', noChurn: 'No open churn alerts.',
  noCustomers: 'No customers in your scope.', customer: 'Customer', status: 'Status', assignees: 'Assignees',
  myFollowUps: 'My follow-ups', careReminders: 'Care reminders (next 7 days)', noFollowUps: 'No follow-ups due.', noReminders: 'No birthdays or anniversaries in the next 7 days.',
  overdue: 'Overdue', lastContact: 'Last contact', inDays: 'In days', birthday: 'Birthday', anniversary: 'Anniversary', contact: 'Contact',
  team: 'Team', metric: 'Metric', rank: 'Rank', person: 'Person', value: 'Value', noEntries: 'No one on this leaderboard yet.', you: 'you',
  myScorecards: 'My review tasks', noScorecards: 'No scorecards for you yet.', score: 'Score', rating: 'Rating', notifications: 'Notifications',
  toAssess: 'To assess', noToAssess: 'No scorecards wait for your assessment.', assess: 'Assess', ratingAdjustment: 'Rating adjustment', goalNextPeriod: 'Goal for next period', assessedDone: 'Assessed.', rep: 'Rep',
  noNotifications: 'No notifications.', unread: 'unread', loading: 'Loading…', retry: 'Retry', empty: '—',
  errorNetwork: 'The API could not be reached. Check that Pentad is running.', errorAuth: 'Your session has ended; please sign in again.',
  errorForbidden: 'You are not allowed to see this.', error: 'Something went wrong',
  noActuals: 'No one in this scope has booked an order in this period yet.',
  noLeaderValues: 'Nobody has a value for this metric in this period — for attainment, no targets are set for the period yet.',
};
type Key = keyof typeof en;

const zh: Record<Key, string> = {
  signIn: '登录', signOut: '退出', chooseUser: '选择一个示例用户', signInAs: '登录为', hostedUi: '使用公司账号登录',
  localStage: '本地环境：选择示例用户，通过 POST /dev/token 获取令牌。',
  dashboard: '仪表盘', pipeline: '销售管道', approvals: '审批', customers: '客户', followUps: '跟进', leaderboard: '排行榜', reviews: '绩效评估',
  period: '期间', scope: '范围', show: '查看', actual: '实际', target: '目标', pace: '进度', attainment: '达成率',
  base: '保底', sprint: '冲刺', challenge: '挑战', trend: '月度趋势', funnel: '销售漏斗', noTarget: '该范围和期间暂无目标。',
  topReps: '销售排名', pendingApprovals: '待审批', openChurn: '流失预警', winRate: '赢单率',
  stage: '阶段', noDeals: '此阶段没有商机。', owner: '负责人', amount: '金额', locked: '审批中',
  inbox: '我的待办', myRequests: '我的申请', noInbox: '没有等待您审批的事项。', noRequests: '您还没有提交审批申请。',
  approve: '批准', reject: '驳回', comment: '意见', history: '审批历史', requestedBy: '申请人', reason: '理由', because: '触发规则',
  step: '步骤', due: '截止', decided: '您的审批意见已记录。', selectApproval: '选择一个审批查看步骤和历史。',
  PENDING: '待审批', APPROVED: '已批准', REJECTED: '已驳回', RECALLED: '已撤回', EXPIRED: '已过期', WAITING: '等待中', DECIDED: '已决定', SKIPPED: '已跳过',
  name: '名称', tier: '等级', health: '健康度', intent: '意向', nextFollowUp: '下次跟进', churnAlerts: '流失预警', noChurn: '没有未关闭的流失预警。',
  noCustomers: '您的范围内没有客户。', customer: '客户', status: '状态', assignees: '处理人',
  myFollowUps: '我的跟进', careReminders: '关怀提醒（未来 7 天）', noFollowUps: '没有到期的跟进。', noReminders: '未来 7 天没有生日或纪念日。',
  overdue: '已逾期', lastContact: '上次联系', inDays: '天后', birthday: '生日', anniversary: '合作纪念日', contact: '联系人',
  team: '团队', metric: '指标', rank: '名次', person: '人员', value: '数值', noEntries: '排行榜暂无数据。', you: '我',
  myScorecards: '我的评估任务', noScorecards: '暂无您的评分卡。', score: '得分', rating: '评级', notifications: '通知',
  toAssess: '待我评估', noToAssess: '没有等待您评估的评分卡。', assess: '评估', ratingAdjustment: '评级调整', goalNextPeriod: '下期目标', assessedDone: '已评估。', rep: '销售代表',
  noNotifications: '没有通知。', unread: '未读', loading: '加载中…', retry: '重试', empty: '—',
  errorNetwork: '无法连接 API，请确认 Pentad 正在运行。', errorAuth: '会话已结束，请重新登录。',
  errorForbidden: '您无权查看此内容。', error: '出错了',
  noActuals: '此范围内本期间还没有人录入订单。',
  noLeaderValues: '本期间此指标暂无数值——达成率需要先为该期间设定目标。',
};

export type Lang = 'en' | 'zh-CN';
let lang: Lang = (localStorage.getItem('pentad.lang') as Lang) === 'zh-CN' ? 'zh-CN' : 'en';

export const getLang = () => lang;
export function setLang(next: Lang) {
  lang = next;
  localStorage.setItem('pentad.lang', next);
  document.documentElement.lang = next;
}
export function t(key: Key | string): string {
  const dict = (lang === 'zh-CN' ? zh : en) as Record<string, string>;
  return dict[key] ?? (en as Record<string, string>)[key] ?? key;
}

/** Money in minor units → "¥1,234.56" in the chosen language. */
export function money(minor: number | null | undefined, currency = 'CNY'): string {
  if (minor === null || minor === undefined) return '—';
  return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(minor / 100);
}
/** A pipeline stage in the chosen language (the default stages by id; renamed or added ones as named). */
export const stageLabel = (stage: { id: string; name?: string }) => stageName(stage, lang);
/** A role, metric, intent level, health band or churn stage in the chosen language. */
export const label = (kind: Parameters<typeof enumLabel>[0], value: string) => enumLabel(kind, value, lang);
/** "Me", "Team: East Enterprise", "Company"; "我", "团队: …", "全公司". */
export const scopeLabel = (scope: string, names: Map<string, string>) => scopeName(scope, names, lang);
/** "1 deal", "2 deals"; "1 个商机". */
export const dealCount = (n: number) => countDeals(n, lang);

export const pct = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)}%`);
export const date = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
