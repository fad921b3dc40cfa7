/**
 * Every key of the single table is built here and nowhere else (see ACCESS-PATTERNS.md).
 * Index sort keys start with the entity type so one partition can hold several kinds
 * (a team partition in GSI2 holds the team, its members and its customers).
 */
export type Key = { PK: string; SK: string };

const PROFILE = 'PROFILE';

export const keys = {
  user: (id: string): Key => ({ PK: `USER#${id}`, SK: PROFILE }),
  userIndexes: (u: { id: string; teamId?: string | null; regionId?: string | null }) => ({
    ...(u.teamId ? { GSI2PK: `TEAM#${u.teamId}`, GSI2SK: `MEMBER#${u.id}` } : {}),
    ...(u.regionId ? { GSI3PK: `REGION#${u.regionId}`, GSI3SK: `USER#${u.id}` } : {}),
    GSI4PK: 'USERS',
    GSI4SK: u.id,
  }),

  team: (id: string): Key => ({ PK: `TEAM#${id}`, SK: PROFILE }),
  /** The team item sorts first in its GSI2 partition, right before its members (MEMBER#…). */
  teamIndexes: (t: { id: string; regionId: string }) => ({
    GSI2PK: `TEAM#${t.id}`,
    GSI2SK: 'MEMBER',
    GSI3PK: `REGION#${t.regionId}`,
    GSI3SK: `TEAM#${t.id}`,
    GSI4PK: 'TEAMS',
    GSI4SK: t.id,
  }),

  region: (id: string): Key => ({ PK: `REGION#${id}`, SK: PROFILE }),
  regionIndexes: (r: { id: string }) => ({ GSI4PK: 'REGIONS', GSI4SK: r.id }),

  productLine: (id: string): Key => ({ PK: `PRODUCT_LINE#${id}`, SK: PROFILE }),
  productLineIndexes: (p: { id: string }) => ({ GSI4PK: 'PRODUCT_LINES', GSI4SK: p.id }),

  customer: (id: string): Key => ({ PK: `CUSTOMER#${id}`, SK: PROFILE }),
  /** status and tier lead the sort key so `?tier=` and the default active-only list are key conditions. */
  customerIndexes: (c: { id: string; ownerId: string; teamId?: string | null; regionId: string; status: string; tier: string }) => {
    const sort = `CUSTOMER#${c.status}#${c.tier}#${c.id}`;
    return {
      GSI1PK: `OWNER#${c.ownerId}`,
      GSI1SK: sort,
      ...(c.teamId ? { GSI2PK: `TEAM#${c.teamId}`, GSI2SK: sort } : {}),
      GSI3PK: `REGION#${c.regionId}`,
      GSI3SK: sort,
      GSI4PK: 'CUSTOMERS',
      GSI4SK: sort,
    };
  },
  customerSortPrefix: (status: string, tier?: string) => `CUSTOMER#${status}#${tier ? `${tier}#` : ''}`,

  /** Audit entries of one entity, newest last (ULID sort key). */
  audit: (entityType: string, entityId: string, entryId: string): Key => ({
    PK: `AUDIT#${entityType}#${entityId}`,
    SK: `AUDIT#${entryId}`,
  }),
  auditPartition: (entityType: string, entityId: string) => `AUDIT#${entityType}#${entityId}`,

  /** An Idempotency-Key is private to the principal that sent it. */
  idempotency: (principalId: string, key: string): Key => ({ PK: `IDEMPOTENCY#${principalId}#${key}`, SK: 'IDEMPOTENCY' }),

  // Process: deals, their stage history, the pipeline definition, funnel counters, orders.
  deal: (id: string): Key => ({ PK: `DEAL#${id}`, SK: PROFILE }),
  /** The stage leads the sort key, so `?stage=` is a key condition in every scope's partition. */
  dealIndexes: (d: { id: string; ownerId: string; teamId?: string | null; regionId: string; stage: string }) => {
    const sort = `DEAL#${d.stage}#${d.id}`;
    return {
      GSI1PK: `OWNER#${d.ownerId}`,
      GSI1SK: sort,
      ...(d.teamId ? { GSI2PK: `TEAM#${d.teamId}`, GSI2SK: sort } : {}),
      GSI3PK: `REGION#${d.regionId}`,
      GSI3SK: sort,
      GSI4PK: 'DEALS',
      GSI4SK: sort,
    };
  },
  dealSortPrefix: (stage?: string) => `DEAL#${stage ? `${stage}#` : ''}`,
  /** Stage moves live in the deal's partition, so one Query returns the deal with its history. */
  dealStageMove: (dealId: string, moveId: string): Key => ({ PK: `DEAL#${dealId}`, SK: `STAGE#${moveId}` }),
  pipeline: (): Key => ({ PK: 'CONFIG#pipeline', SK: 'CURRENT' }),
  /** Funnel counters per scope (TEAM#t, REGION#r, ALL) × month × stage; a report is one Query on one scope. */
  funnelCounter: (scope: string, month: string, stage: string): Key => ({ PK: `FUNNEL#${scope}`, SK: `${month}#${stage}` }),
  funnelPartition: (scope: string) => `FUNNEL#${scope}`,
  /** Orders sit in their customer's partition, newest last by date. */
  order: (customerId: string, date: string, orderId: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: `ORDER#${date}#${orderId}` }),
  orderPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  orderSortPrefix: 'ORDER#',
  /** Open deals per pipeline stage (org-wide), beside the pipeline: a stage in use cannot be removed. */
  stageOccupancy: (stage: string): Key => ({ PK: 'CONFIG#pipeline', SK: `OPEN#${stage}` }),
  /** Funnel scopes: TEAM#<teamId>, REGION#<regionId>, ALL. */
  funnelScope: (kind: 'owner' | 'team' | 'region' | 'all', id?: string) => (kind === 'all' ? 'ALL' : `${({ owner: 'OWNER', team: 'TEAM', region: 'REGION' } as const)[kind]}#${id}`),
  /** Sort-key bounds of the months from…to (YYYY-MM) in one funnel partition. */
  funnelMonthRange: (from: string, to: string) => ({ from: `${from}#`, to: `${to}#~` }),

  // Approvals: versioned policy, the approval aggregate, inbox entries (sparse GSI1), notifications.
  /** Admin policies (approval, churn, grading, care…): the one in force, and every saved version. */
  policy: (name: string): Key => ({ PK: `POLICY#${name}`, SK: 'CURRENT' }),
  policyVersion: (name: string, version: number): Key => ({ PK: `POLICY#${name}`, SK: `VERSION#${String(version).padStart(6, '0')}` }),
  approval: (id: string): Key => ({ PK: `APPROVAL#${id}`, SK: 'APPROVAL' }),
  approvalRequesterIndex: (requesterId: string, createdAt: string, id: string) => ({ GSI1PK: `REQUESTER#${requesterId}`, GSI1SK: `${createdAt}#${id}` }),
  /** One item per person a pending step waits on (assignee or their delegate); deleted when the step closes. */
  inboxEntry: (approvalId: string, userId: string): Key => ({ PK: `APPROVAL#${approvalId}`, SK: `INBOX#${userId}` }),
  inboxIndex: (userId: string, createdAt: string, approvalId: string) => ({ GSI1PK: `INBOX#${userId}`, GSI1SK: `${createdAt}#${approvalId}` }),
  inboxPartition: (userId: string) => `INBOX#${userId}`,
  requesterPartition: (userId: string) => `REQUESTER#${userId}`,
  /** Who holds a role: approver resolution (region director, vp, finance) reads one small partition. */
  roleMember: (role: string, userId: string): Key => ({ PK: `ROLE#${role}`, SK: `USER#${userId}` }),
  rolePartition: (role: string) => `ROLE#${role}`,
  notification: (userId: string, id: string): Key => ({ PK: `NOTIFY#${userId}`, SK: `NOTIFICATION#${id}` }),
  notificationPartition: (userId: string) => `NOTIFY#${userId}`,
  /** Decision-time histogram and escalation count per policy step (GET /reports/approval-times). */
  approvalTimes: (stepId: string): Key => ({ PK: 'STATS#approval-times', SK: `STEP#${stepId}` }),

  // Churn: alerts (scoped like customers: open/closed first in the sort key) and recovery counters.
  churnAlert: (id: string): Key => ({ PK: `CHURN_ALERT#${id}`, SK: 'ALERT' }),
  churnAlertIndexes: (a: { id: string; ownerId: string; teamId?: string | null; regionId: string; status: string; openedAt: string }) => {
    const sort = `CHURN#${a.status}#${a.openedAt}#${a.id}`;
    return {
      GSI1PK: `OWNER#${a.ownerId}`,
      GSI1SK: sort,
      ...(a.teamId ? { GSI2PK: `TEAM#${a.teamId}`, GSI2SK: sort } : {}),
      GSI3PK: `REGION#${a.regionId}`,
      GSI3SK: sort,
      GSI4PK: 'CHURN_ALERTS',
      GSI4SK: sort,
    };
  },
  churnAlertSortPrefix: (status?: string) => `CHURN#${status ? `${status}#` : ''}`,
  /** Churn outcomes per scope (TEAM#t, REGION#r, ALL) × month of closing: recovery rate and reasons. */
  churnStats: (scope: string, month: string): Key => ({ PK: `CHURN_STATS#${scope}`, SK: month }),
  churnStatsPartition: (scope: string) => `CHURN_STATS#${scope}`,

  /** The latest run of a scheduled job (GET /jobs shows it). */
  jobRun: (name: string): Key => ({ PK: `JOB#${name}`, SK: 'LATEST' }),

  /** Revenue actuals per roll-up scope × month (ALL, REGION#r, TEAM#t, REP#u, PL#p and region/team/rep × PL). */
  actuals: (scope: string, month: string): Key => ({ PK: `ACTUALS#${scope}`, SK: month }),
  actualsPartition: (scope: string) => `ACTUALS#${scope}`,
  /** Revenue per rep within a scope (ALL, REGION#r, TEAM#t) × month: one attribute per rep and currency (dashboard top reps). */
  topReps: (scope: string, month: string): Key => ({ PK: `TOPREPS#${scope}`, SK: month }),
  /** Open churn alerts per scope (ALL, REGION#r, TEAM#t, OWNER#u): +1 when an alert opens, −1 when it closes. */
  churnOpen: (scope: string): Key => ({ PK: `CHURN_OPEN#${scope}`, SK: 'COUNT' }),
  /** Open deals per roll-up scope (the actuals' scopes) × month of expected close: one Query reads a period's months. */
  pipelineOpen: (scope: string, month: string): Key => ({ PK: `PIPELINE#${scope}`, SK: month }),
  pipelineOpenPartition: (scope: string) => `PIPELINE#${scope}`,
  /** A manager's forecast adjustment for a scope (ALL, REGION#r, TEAM#t, REP#u) × period (YYYY, YYYY-Qn, YYYY-MM), and every save. */
  forecast: (scope: string, period: string): Key => ({ PK: `FORECAST#${scope}#${period}`, SK: 'CURRENT' }),
  forecastSave: (scope: string, period: string, version: number): Key => ({ PK: `FORECAST#${scope}#${period}`, SK: `SAVE#${String(version).padStart(6, '0')}` }),
  forecastPartition: (scope: string, period: string) => `FORECAST#${scope}#${period}`,
  forecastSavePrefix: 'SAVE#',

  // Local workflow engine (infra/local): durable executions, recorded task results, callback tokens.
  execution: (name: string): Key => ({ PK: `EXECUTION#${name}`, SK: 'EXECUTION' }),
  /** Sparse: present only while the execution runs, so start-up finds what to resume with one Query. */
  runningExecutionIndex: (name: string) => ({ GSI1PK: 'EXECUTIONS#RUNNING', GSI1SK: name }),
  runningExecutionsPartition: 'EXECUTIONS#RUNNING',
  /** visit: a number (padded, so steps sort) or `<input hash>.<n>` inside a Map. */
  executionStep: (name: string, state: string, visit: string | number): Key => ({
    PK: `EXECUTION#${name}`,
    SK: `STEP#${state}#${String(visit).padStart(4, '0')}`,
  }),
  taskToken: (token: string): Key => ({ PK: `TASK_TOKEN#${token}`, SK: 'TASK_TOKEN' }),

  // Test workflow fixtures (test/workflows/fixtures): where a callback task leaves its token for the test to
  // find, and how many times a fixture ran (replays must not run it again).
  callbackProbe: (executionName: string, step: string): Key => ({ PK: `CALLBACK_PROBE#${executionName}`, SK: `STEP#${step}` }),
  fixtureRuns: (fixture: string): Key => ({ PK: `FIXTURE_RUNS#${fixture}`, SK: 'RUNS' }),
} as const;

export const indexPartition = {
  owner: (ownerId: string) => `OWNER#${ownerId}`,
  team: (teamId: string) => `TEAM#${teamId}`,
  region: (regionId: string) => `REGION#${regionId}`,
  all: (type: 'USERS' | 'TEAMS' | 'REGIONS' | 'PRODUCT_LINES' | 'CUSTOMERS' | 'DEALS' | 'CHURN_ALERTS') => type,
} as const;

/**
 * Care (shared/care). Interactions, surveys and the per-customer index entries live in the customer's partition;
 * each entry's GSI keys put what a list filters on first (intent level, due date, month-day), so every list is
 * one Query on one scope partition.
 */
export const careKeys = {
  customerPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  /** Sorted by when it happened (then ULID), so a customer's interactions read newest first. */
  interaction: (customerId: string, at: string, id: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: `INTERACTION#${at}#${id}` }),
  interactionSortPrefix: 'INTERACTION#',
  /** One per active customer; the level leads the sort key in the owner / team / region / everyone partitions. */
  intentEntry: (customerId: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: 'INTENT' }),
  intentEntryIndexes: (e: { id: string; ownerId: string; teamId?: string | null; regionId: string; level: string }) => {
    const sort = `INTENT#${e.level}#${e.id}`;
    return {
      GSI1PK: `OWNER#${e.ownerId}`,
      GSI1SK: sort,
      ...(e.teamId ? { GSI2PK: `TEAM#${e.teamId}`, GSI2SK: sort } : {}),
      GSI3PK: `REGION#${e.regionId}`,
      GSI3SK: sort,
      GSI4PK: 'INTENTS',
      GSI4SK: sort,
    };
  },
  intentSortPrefix: (level?: string) => `INTENT#${level ? `${level}#` : ''}`,
  intentsPartition: 'INTENTS',
  /** One per active customer, sorted by due time under its owner and team; GSI4 is the daily job's queue (sparse). */
  followUp: (customerId: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: 'FOLLOWUP' }),
  followUpIndexes: (f: { customerId: string; ownerId: string; teamId?: string | null; dueAt: string }) => ({
    GSI1PK: `FOLLOWUP#OWNER#${f.ownerId}`,
    GSI1SK: `${f.dueAt}#${f.customerId}`,
    ...(f.teamId ? { GSI2PK: `FOLLOWUP#TEAM#${f.teamId}`, GSI2SK: `${f.dueAt}#${f.customerId}` } : {}),
  }),
  followUpQueueIndex: (f: { customerId: string; dueAt: string }) => ({ GSI4PK: 'FOLLOWUPS#PENDING', GSI4SK: `${f.dueAt}#${f.customerId}` }),
  followUpPartition: (scope: 'OWNER' | 'TEAM', id: string) => `FOLLOWUP#${scope}#${id}`,
  followUpQueuePartition: 'FOLLOWUPS#PENDING',
  /** A birthday or anniversary by month-day (`MM-DD`, or `13-01`… for the twin that serves windows past Dec 31). */
  reminder: (customerId: string, slot: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: `REMINDER#${slot}` }),
  reminderSortPrefix: 'REMINDER#',
  reminderIndexes: (r: { customerId: string; ownerId: string; teamId?: string | null; dayKey: string; slot: string }) => {
    const sort = `${r.dayKey}#${r.customerId}#${r.slot}`;
    return {
      GSI1PK: `REMINDER#OWNER#${r.ownerId}`,
      GSI1SK: sort,
      ...(r.teamId ? { GSI2PK: `REMINDER#TEAM#${r.teamId}`, GSI2SK: sort } : {}),
      GSI4PK: 'REMINDERS',
      GSI4SK: sort,
    };
  },
  reminderPartition: (scope: 'OWNER' | 'TEAM', id: string) => `REMINDER#${scope}#${id}`,
  remindersPartition: 'REMINDERS',
  /** Tickets are found by id (PATCH /tickets/{id}) and listed per customer, newest first (ULID). */
  ticket: (id: string): Key => ({ PK: `TICKET#${id}`, SK: 'TICKET' }),
  ticketIndexes: (t: { id: string; customerId: string }) => ({ GSI1PK: `TICKETS#${t.customerId}`, GSI1SK: `TICKET#${t.id}` }),
  ticketsPartition: (customerId: string) => `TICKETS#${customerId}`,
  survey: (customerId: string, id: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: `SURVEY#${id}` }),
  surveySortPrefix: 'SURVEY#',
  /** NPS / CSAT counters per scope: CUSTOMER#c, OWNER#u, TEAM#t, REGION#r, ALL. */
  npsCounter: (scope: string): Key => ({ PK: `NPS#${scope}`, SK: 'COUNTS' }),
} as const;

/** Partners (shared/partners): reference data everyone reads, newest first, all or by screening result. */
export const partnerKeys = {
  partner: (id: string): Key => ({ PK: `PARTNER#${id}`, SK: 'PROFILE' }),
  partnerIndexes: (p: { id: string; result: string }) => ({ GSI3PK: `PARTNERS#${p.result}`, GSI3SK: p.id, GSI4PK: 'PARTNERS', GSI4SK: p.id }),
  partnersPartition: (result?: string) => (result ? `PARTNERS#${result}` : 'PARTNERS'),
} as const;

/**
 * Goals (shared/goals): a fiscal year's target tree is one item collection, nodes sorted by their path of ids
 * from the root, so a node's ancestors, the node and its children lie in one key range of one partition.
 * A small immutable pointer per node (its tree partition, path and scope) finds the node by id; each node's
 * GSI keys list it per owner / team / region / everyone with fiscal year, dimension and key leading the sort key.
 */
export const targetKeys = {
  treePartition: (fiscalYear: number, rootId: string) => `TARGETS#${fiscalYear}#${rootId}`,
  node: (fiscalYear: number, rootId: string, treePath: string): Key => ({ PK: `TARGETS#${fiscalYear}#${rootId}`, SK: `NODE#${treePath}` }),
  /** Sort-key bounds from the root to the end of a node's subtree (ids are ULIDs: '~' sorts after them and '/'). */
  pathRange: (rootId: string, treePath: string) => ({ from: `NODE#${rootId}`, to: `NODE#${treePath}/~` }),
  pointer: (id: string): Key => ({ PK: `TARGET#${id}`, SK: 'TARGET' }),
  /**
   * A node found by what it covers (dashboard): place ALL | REGION#r | TEAM#t | REP#u, period YEAR | Q1…Q4 | YYYY-MM.
   * Nodes of one product line have none. Two nodes covering the same place and period (a team reached through its
   * region and directly from the company) share one lookup: the latest written wins.
   */
  lookup: (fiscalYear: number, place: string, period: string): Key => ({ PK: `TARGET_LOOKUP#${fiscalYear}`, SK: `${place}#${period}` }),
  /** Revisions and pace suggestions of a node live in its pointer's partition (GET /targets/{id}/revisions: one Query). */
  revision: (targetId: string, revisionId: string): Key => ({ PK: `TARGET#${targetId}`, SK: `REVISION#${revisionId}` }),
  revisionPrefix: 'REVISION#',
  /** At most one pace suggestion per node and period (the node's own period: YYYY, YYYY-Qn or YYYY-MM). */
  paceGuard: (targetId: string, period: string): Key => ({ PK: `TARGET#${targetId}`, SK: `PACE#${period}` }),
  /** Superseded versions of a node, oldest first (the node itself is the current one). */
  version: (targetId: string, version: number): Key => ({ PK: `TARGET#${targetId}`, SK: `VERSION#${String(version).padStart(4, '0')}` }),
  versionPrefix: 'VERSION#',
  /** One company target per fiscal year. */
  companyYear: (fiscalYear: number): Key => ({ PK: `TARGET_YEAR#${fiscalYear}`, SK: 'COMPANY' }),
  nodeIndexes: (n: { id: string; fiscalYear: number; dimension: string; key: string; ownerId?: string | null; teamId?: string | null; regionId?: string | null }) => {
    const sort = `TARGET#${n.fiscalYear}#${n.dimension}#${n.key}#${n.id}`;
    return {
      ...(n.ownerId ? { GSI1PK: `OWNER#${n.ownerId}`, GSI1SK: sort } : {}),
      ...(n.teamId ? { GSI2PK: `TEAM#${n.teamId}`, GSI2SK: sort } : {}),
      ...(n.regionId ? { GSI3PK: `REGION#${n.regionId}`, GSI3SK: sort } : {}),
      GSI4PK: 'TARGETS',
      GSI4SK: sort,
    };
  },
  sortPrefix: (fiscalYear: number, dimension?: string, key?: string) => `TARGET#${fiscalYear}#${dimension ? `${dimension}#${key ? `${key}#` : ''}` : ''}`,
  allPartition: 'TARGETS',
} as const;

/**
 * Recognition and incentives (shared/team). A user's badges and incentives are item collections (newest first by
 * award time / ULID); a review cycle's award guard sits beside the badges, so a retried close awards nothing twice.
 * Per-rep monthly counters the actuals do not hold (NPS answers by customer owner, customers created per owner)
 * share one item per month with flat attributes per rep, so a leaderboard of any size reads one item per month.
 */
export const motivationKeys = {
  recognition: (userId: string, at: string, id: string): Key => ({ PK: `RECOGNITIONS#${userId}`, SK: `RECOGNITION#${at}#${id}` }),
  recognitionPartition: (userId: string) => `RECOGNITIONS#${userId}`,
  recognitionPrefix: 'RECOGNITION#',
  /** At most one badge of a kind per user and review cycle (conditional Put in the award's transaction). */
  cycleAward: (userId: string, cycleId: string, badge: string): Key => ({ PK: `RECOGNITIONS#${userId}`, SK: `AWARD#${cycleId}#${badge}` }),
  incentive: (userId: string, id: string): Key => ({ PK: `INCENTIVES#${userId}`, SK: `INCENTIVE#${id}` }),
  incentivePartition: (userId: string) => `INCENTIVES#${userId}`,
  incentivePrefix: 'INCENTIVE#',
  repStats: (month: string): Key => ({ PK: 'REP_STATS', SK: month }),
} as const;

/**
 * Training (shared/team/training*). A course is found by id and listed by category (GSI4). One catalogue item lists
 * every required course with the roles it is required for, so a user's compliance is that item (read with the
 * session) plus one Query of the user's enrolments (GSI1 `TRAINING#<userId>`). The guard in the course's partition
 * keeps one enrolment per user × course.
 */
export const trainingKeys = {
  course: (id: string): Key => ({ PK: `COURSE#${id}`, SK: 'COURSE' }),
  courseIndexes: (c: { id: string; category: string }) => ({ GSI4PK: 'COURSES', GSI4SK: `COURSE#${c.category}#${c.id}` }),
  coursesPartition: 'COURSES',
  courseSortPrefix: (category?: string) => `COURSE#${category ? `${category}#` : ''}`,
  catalogue: (): Key => ({ PK: 'TRAINING#CATALOGUE', SK: 'REQUIRED' }),
  enrolment: (id: string): Key => ({ PK: `ENROLMENT#${id}`, SK: 'ENROLMENT' }),
  enrolmentIndexes: (e: { userId: string; courseId: string }) => ({ GSI1PK: `TRAINING#${e.userId}`, GSI1SK: `ENROLMENT#${e.courseId}` }),
  learnerPartition: (userId: string) => `TRAINING#${userId}`,
  enrolmentSortPrefix: 'ENROLMENT#',
  enrolmentGuard: (courseId: string, userId: string): Key => ({ PK: `COURSE#${courseId}`, SK: `LEARNER#${userId}` }),
} as const;

/**
 * Cross-department requests (shared/team/collab*). A request and its comments share a partition; lists are the
 * requester's (GSI1) and the target department's (GSI2), newest first; GSI3 holds a request only while it is open or
 * accepted, sorted by due time, so overdue ones are one key range. Resolution counters: one item per department.
 */
export const collabKeys = {
  request: (id: string): Key => ({ PK: `COLLAB#${id}`, SK: 'REQUEST' }),
  comment: (requestId: string, commentId: string): Key => ({ PK: `COLLAB#${requestId}`, SK: `COMMENT#${commentId}` }),
  partition: (requestId: string) => `COLLAB#${requestId}`,
  commentPrefix: 'COMMENT#',
  requestIndexes: (r: { id: string; requesterId: string; toDepartment: string; createdAt: string; dueAt: string; open: boolean }) => ({
    GSI1PK: `COLLAB#REQUESTER#${r.requesterId}`,
    GSI1SK: `${r.createdAt}#${r.id}`,
    GSI2PK: `COLLAB#DEPT#${r.toDepartment}`,
    GSI2SK: `${r.createdAt}#${r.id}`,
    ...(r.open ? { GSI3PK: `COLLAB#OPEN#${r.toDepartment}`, GSI3SK: `${r.dueAt}#${r.id}` } : {}),
  }),
  requesterPartition: (userId: string) => `COLLAB#REQUESTER#${userId}`,
  departmentPartition: (department: string) => `COLLAB#DEPT#${department}`,
  openPartition: (department: string) => `COLLAB#OPEN#${department}`,
  stats: (department: string): Key => ({ PK: 'STATS#collab-resolution', SK: `DEPT#${department}` }),
  statsPartition: 'STATS#collab-resolution',
} as const;

/**
 * Commissions (shared/commissions). A plan and its assignees are one item collection; everything about one user's
 * commission (which plan for which period, one guard per covered month, final statements) is another, so a
 * statement's fixed keys are one BatchGet. Orders get a sparse GSI1 entry under their owner, by date, in their own
 * partition name (`ORDERS#OWNER#…`, not `OWNER#…`) so the owner's customer/deal/alert lists never see them.
 */
export const commissionKeys = {
  plan: (id: string): Key => ({ PK: `COMMISSION_PLAN#${id}`, SK: 'PLAN' }),
  planIndexes: (p: { id: string; period: string }) => ({ GSI4PK: 'COMMISSION_PLANS', GSI4SK: `${p.period}#${p.id}` }),
  plansPartition: 'COMMISSION_PLANS',
  plansPeriodPrefix: (period: string) => `${period}#`,
  planAssignee: (planId: string, userId: string): Key => ({ PK: `COMMISSION_PLAN#${planId}`, SK: `ASSIGNEE#${userId}` }),
  planPartition: (planId: string) => `COMMISSION_PLAN#${planId}`,
  planAssigneePrefix: 'ASSIGNEE#',
  /** The plan a user has for a statement period (YYYY-MM or YYYY-Qn), with a copy of its terms (plans never change). */
  assignment: (userId: string, period: string): Key => ({ PK: `COMMISSION#${userId}`, SK: `PERIOD#${period}` }),
  /** One per month a user's plan covers: a second plan overlapping any of its months fails the condition (409). */
  monthGuard: (userId: string, month: string): Key => ({ PK: `COMMISSION#${userId}`, SK: `MONTH#${month}` }),
  /** A statement finalised by a review cycle, stored as computed then. */
  statement: (userId: string, period: string): Key => ({ PK: `COMMISSION#${userId}`, SK: `STATEMENT#${period}` }),
  /** An order under its owner by date (sparse GSI1, written with every order from commissions on). */
  orderOwnerIndex: (o: { ownerId: string; date: string; id: string }) => ({ GSI1PK: `ORDERS#OWNER#${o.ownerId}`, GSI1SK: `${o.date}#${o.id}` }),
  ownerOrdersPartition: (ownerId: string) => `ORDERS#OWNER#${ownerId}`,
  /** Sort-key bounds of the days from…to (YYYY-MM-DD, inclusive). */
  ownerOrdersRange: (from: string, to: string) => ({ from: `${from}#`, to: `${to}#~` }),
} as const;

/**
 * Performance reviews (shared/reviews). A cycle's id is its period (and team), so a second start of the same cycle
 * finds the first; a scorecard's and an improvement plan's ids derive from cycle × user, so a retried step finds
 * its own. Scorecards list per cycle (GSI2 `CYCLE#…`) and per user (GSI1 `OWNER#…`, by period).
 */
export const reviewKeys = {
  cycle: (id: string): Key => ({ PK: `REVIEW_CYCLE#${id}`, SK: 'CYCLE' }),
  cycleIndexes: (c: { id: string; period: string }) => ({ GSI4PK: 'REVIEW_CYCLES', GSI4SK: `${c.period}#${c.id}` }),
  cyclesPartition: 'REVIEW_CYCLES',
  scorecard: (id: string): Key => ({ PK: `SCORECARD#${id}`, SK: 'SCORECARD' }),
  scorecardIndexes: (s: { id: string; cycleId: string; userId: string; period: string }) => ({
    GSI1PK: `OWNER#${s.userId}`,
    GSI1SK: `SCORECARD#${s.period}#${s.cycleId}`,
    GSI2PK: `CYCLE#${s.cycleId}`,
    GSI2SK: s.userId,
  }),
  cyclePartition: (cycleId: string) => `CYCLE#${cycleId}`,
  userScorecardPrefix: 'SCORECARD#',
  plan: (id: string): Key => ({ PK: `IMPROVEMENT_PLAN#${id}`, SK: 'PLAN' }),
  planIndexes: (p: { id: string; userId: string; createdAt: string }) => ({ GSI1PK: `OWNER#${p.userId}`, GSI1SK: `PLAN#${p.createdAt}#${p.id}` }),
  userPlanPrefix: 'PLAN#',
  /** An assessor's to-do: one item per assessor in the scorecard's partition, only while the card waits (status scored). */
  assessorTask: (scorecardId: string, assessorId: string): Key => ({ PK: `SCORECARD#${scorecardId}`, SK: `ASSESSOR#${assessorId}` }),
  assessorTaskIndexes: (s: { id: string; period: string }, assessorId: string) => ({ GSI3PK: `ASSESS#${assessorId}`, GSI3SK: `${s.period}#${s.id}` }),
  assessorPartition: (assessorId: string) => `ASSESS#${assessorId}`,
} as const;

/**
 * Data quality (shared/data-quality). A duplicate lookup item per match key (field × normalised name × normalised
 * value) holds the ids of the customers written under it (a string set, ADDed in each customer's create
 * transaction), so a check is one BatchGet. A flagged pair sits where its newer customer sits (owner / team /
 * region / all) with its status first in the sort key, like customers.
 */
export const dataQualityKeys = {
  matchLookup: (matchKey: string): Key => ({ PK: `DEDUPE#${matchKey}`, SK: 'DEDUPE' }),
  pair: (id: string): Key => ({ PK: `DUPLICATE#${id}`, SK: 'PAIR' }),
  pairIndexes: (p: { id: string; ownerId: string; teamId?: string | null; regionId: string; status: string }) => {
    const sort = `DUPLICATE#${p.status}#${p.id}`;
    return {
      GSI1PK: `OWNER#${p.ownerId}`,
      GSI1SK: sort,
      ...(p.teamId ? { GSI2PK: `TEAM#${p.teamId}`, GSI2SK: sort } : {}),
      GSI3PK: `REGION#${p.regionId}`,
      GSI3SK: sort,
      GSI4PK: 'DUPLICATES',
      GSI4SK: sort,
    };
  },
  pairSortPrefix: (status: string) => `DUPLICATE#${status}#`,
  pairsPartition: 'DUPLICATES',
  /** One reference per side of a pair in the customer's partition: a merge finds the merged-away customer's other pairs. */
  pairRef: (customerId: string, pairId: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: `DUPLICATE#${pairId}` }),
  pairRefPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  pairRefSortPrefix: 'DUPLICATE#',
} as const;

/**
 * CSV imports (shared/imports). The job, its stored rows (chunks of parsed rows, so a worker can pick up chunk n)
 * and its row errors (by zero-padded line, so the report pages in file order) are one item collection. A row's
 * natural key (external id or content hash) is claimed with attribute_not_exists in the row's own transaction,
 * so importing the same file again creates nothing.
 */
export const importKeys = {
  job: (id: string): Key => ({ PK: `IMPORT#${id}`, SK: 'JOB' }),
  jobPartition: (id: string) => `IMPORT#${id}`,
  chunk: (id: string, n: number): Key => ({ PK: `IMPORT#${id}`, SK: `CHUNK#${String(n).padStart(6, '0')}` }),
  rowError: (id: string, line: number, field: string): Key => ({ PK: `IMPORT#${id}`, SK: `ERROR#${String(line).padStart(8, '0')}#${field}` }),
  rowErrorPrefix: 'ERROR#',
  naturalKey: (kind: 'customer' | 'order', key: string): Key => ({ PK: `IMPORTED#${kind}#${key}`, SK: 'ROW' }),
} as const;

/** A file uploaded before its import starts (shared/imports/uploads.ts); the file itself is in the UploadStore. */
export const uploadKeys = {
  upload: (id: string): Key => ({ PK: `UPLOAD#${id}`, SK: 'UPLOAD' }),
} as const;

/**
 * Reports and the audit view (issue 7). Stale deals: one sparse entry per OPEN deal in the deal's partition, written
 * in the deal's own transactions (create, move, patch) and deleted when the deal closes; its GSI sort keys start
 * with the time the deal entered its current stage, so "no stage change in N days" is one key range per scope.
 * Audit by actor: every audit entry carries GSI1 `ACTOR#<actorId>` / `<at>#<entryId>` (auditPut).
 */
export const reportKeys = {
  openDeal: (dealId: string): Key => ({ PK: `DEAL#${dealId}`, SK: 'OPEN_SINCE' }),
  openDealIndexes: (d: { id: string; ownerId: string; teamId?: string | null; regionId: string; enteredAt: string }) => {
    const sort = `${d.enteredAt}#${d.id}`;
    return {
      GSI1PK: `STALE#OWNER#${d.ownerId}`,
      GSI1SK: sort,
      ...(d.teamId ? { GSI2PK: `STALE#TEAM#${d.teamId}`, GSI2SK: sort } : {}),
      GSI3PK: `STALE#REGION#${d.regionId}`,
      GSI3SK: sort,
      GSI4PK: 'STALE#ALL',
      GSI4SK: sort,
    };
  },
  /** Open-deal partitions per scope kind (owner → GSI1, team → GSI2, region → GSI3, all → GSI4). */
  openDealPartition: (kind: 'owner' | 'team' | 'region' | 'all', id?: string) =>
    kind === 'all' ? 'STALE#ALL' : `STALE#${({ owner: 'OWNER', team: 'TEAM', region: 'REGION' } as const)[kind]}#${id}`,
  /** Upper sort-key bound: every entry whose stage began at or before `iso`. */
  openDealEnteredBy: (iso: string) => `${iso}#~`,
  auditActorIndex: (actorId: string, at: string, entryId: string) => ({ GSI1PK: `ACTOR#${actorId}`, GSI1SK: `${at}#${entryId}` }),
  actorPartition: (actorId: string) => `ACTOR#${actorId}`,
  /** Sort-key bounds of entries written from…to (ISO-8601, inclusive). */
  actorRange: (from: string, to: string) => ({ from: `${from}#`, to: `${to}#~` }),
} as const;

/**
 * A customer's deals (issue 7, merge): one reference item per deal in the customer's partition, written in the deal's
 * create transaction, so "this customer's deals" is one Query on one partition. No GSI keys: only the merge reads it.
 */
export const customerDealKeys = {
  dealRef: (customerId: string, dealId: string): Key => ({ PK: `CUSTOMER#${customerId}`, SK: `DEAL#${dealId}` }),
  dealRefPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  dealRefSortPrefix: 'DEAL#',
} as const;
