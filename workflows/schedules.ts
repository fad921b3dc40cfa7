/**
 * How a schedule firing becomes an execution, shared by the local scheduler, EventBridge's input and
 * POST /jobs/{name}/run: a deterministic name and the static input with `{{scheduledAt}}` filled in.
 */
/** `nightly-report` at 2025-03-01T02:00Z → `nightly-report-20250301T0200Z` (no ':' — Step Functions rejects it in names). */
export function scheduledExecutionName(scheduleName: string, firedAt: Date): string {
  return `${scheduleName}-${firedAt.toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;
}

/** The schedule's static input with every `{{scheduledAt}}` in its strings replaced by the firing time. */
export function scheduledInput(input: unknown, firedAt: Date): unknown {
  if (typeof input === 'string') return input.split('{{scheduledAt}}').join(firedAt.toISOString());
  if (Array.isArray(input)) return input.map((item) => scheduledInput(item, firedAt));
  if (input && typeof input === 'object') return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, scheduledInput(v, firedAt)]));
  return input;
}

