import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { auditPut } from '#shared/core/audit';
import { conflict, preconditionRequired } from '#shared/core/errors';
import { keys } from '#shared/core/keys';
import type { Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { transact } from '#shared/core/write';
import { staleVersion } from '#shared/org/service';
import { parsePeriod } from './dashboard.ts';
import {
  aggregateScope,
  authorizeForecast,
  parseForecastScope,
  placeKey,
  placeOf,
  saveOf,
  scopeName,
  unadjusted,
  type AdjustForecast,
  type ForecastSave,
} from './forecast.ts';

const HISTORY_LIMIT = 100;

/**
 * GET|PUT /forecasts/{period}/{scope}. A read is one round trip: a BatchGet (principal, the current adjustment,
 * the scope's record, its actuals and open-pipeline items for the period's months) beside one Query of the saves.
 * A save adds the transaction: Put current (version-conditioned) + Put save + Put audit.
 */
export function createForecastService({ db, clock }: { db: Db; clock: Clock }) {
  async function latestSaves(scope: string, period: string): Promise<ForecastSave[]> {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.forecastPartition(scope, period), ':prefix': keys.forecastSavePrefix },
        ScanIndexForward: false,
        Limit: HISTORY_LIMIT,
      }),
    );
    return (out.Items ?? []).map(saveOf);
  }

  /** Everything a read or a save needs, authorized; the aggregates are read beside the principal and used only once allowed. */
  async function load(session: Session, params: { period: string; scope: string }, action: 'read' | 'adjust') {
    const period = parsePeriod(params.period);
    const scope = parseForecastScope(params.scope, session.identity.userId);
    const aggregate = aggregateScope(scope);
    const place = placeKey(scope);
    const wanted = [keys.forecast(aggregate, period.id), ...(place ? [place] : []), ...period.months.map((m) => keys.actuals(aggregate, m)), ...period.months.map((m) => keys.pipelineOpen(aggregate, m))];
    const [{ principal, items }, history] = await Promise.all([session.load(wanted), latestSaves(aggregate, period.id)]);
    const placed = placeOf(scope, place ? items[1] : undefined);
    authorizeForecast(principal, scope, placed, action);
    const from = place ? 2 : 1;
    const n = period.months.length;
    const current = items[0] as Item | undefined;
    return {
      principal,
      period,
      scope,
      aggregate,
      placed: placed!,
      current: current ? saveOf(current) : undefined,
      history,
      figures: (currency: string) => unadjusted(period.months, items.slice(from, from + n), items.slice(from + n, from + 2 * n), currency),
    };
  }

  const view = (loaded: Awaited<ReturnType<typeof load>>, currency: string, adjusted: ForecastSave | undefined, history: ForecastSave[]) => ({
    period: { id: loaded.period.id, from: loaded.period.months[0]!, to: loaded.period.months.at(-1)! },
    scope: scopeName(loaded.scope),
    currency,
    unadjusted: loaded.figures(currency),
    adjusted: adjusted ?? null,
    history,
  });

  return {
    async get(session: Session, params: { period: string; scope: string }, query: { currency?: string }) {
      const loaded = await load(session, params, 'read');
      const currency = query.currency ?? loaded.current?.currency ?? 'CNY';
      return { version: loaded.current?.version ?? 0, body: view(loaded, currency, loaded.current, loaded.history) };
    },

    /**
     * Saves an adjustment beside the unadjusted forecast (closed + commit) as it stands now. The first save may
     * omit If-Match; replacing one needs the ETag read (412 without, 409 when someone saved in between).
     */
    async put(session: Session, params: { period: string; scope: string }, input: AdjustForecast, expectedVersion: number | undefined) {
      const loaded = await load(session, params, 'adjust');
      const readVersion = loaded.current?.version ?? 0;
      if (expectedVersion === undefined && loaded.current) throw preconditionRequired();
      if (expectedVersion !== undefined && expectedVersion !== readVersion) throw staleVersion(readVersion);
      const at = clock.now().toISOString();
      const save: ForecastSave = { version: readVersion + 1, amount: input.amount, currency: input.currency, note: input.note, by: loaded.principal.userId, at, unadjustedAtSave: loaded.figures(input.currency).forecast };
      const { aggregate, period } = loaded;
      const name = scopeName(loaded.scope);
      const item = { type: 'forecast', period: period.id, scope: name, ...save };
      await transact(
        db,
        [
          {
            Put: {
              TableName: db.tableName,
              Item: { ...keys.forecast(aggregate, period.id), ...item },
              ConditionExpression: readVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
              ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': readVersion } }),
            },
          },
          { Put: { TableName: db.tableName, Item: { ...keys.forecastSave(aggregate, period.id, save.version), ...item, type: 'forecast_save' }, ConditionExpression: 'attribute_not_exists(PK)' } },
          auditPut(db, {
            entityType: 'forecast',
            entityId: `${name}@${period.id}`,
            action: loaded.current ? 'update' : 'create',
            actorId: save.by,
            at,
            before: loaded.current as unknown as Record<string, unknown> | undefined,
            after: save as unknown as Record<string, unknown>,
            scope: loaded.placed,
          }),
        ],
        () => conflict('version_conflict', 'The forecast was adjusted since you read it; read it again'),
      );
      return { version: save.version, body: view(loaded, input.currency, save, [save, ...loaded.history].slice(0, HISTORY_LIMIT)) };
    },
  };
}
