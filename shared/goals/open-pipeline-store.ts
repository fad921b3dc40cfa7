import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import { keys } from '#shared/core/keys';
import type { Item } from '#shared/core/query';
import { pipelineDeltas, type PipelineFacts } from './open-pipeline.ts';

/**
 * The Update items that move a deal's contribution to the open pipeline from `before` to `after`: append them to
 * the deal's transaction. At most 16 (8 scopes × the old and the new close month); none when nothing changed.
 */
export function pipelineWrites(db: Db, before: PipelineFacts | undefined, after: PipelineFacts | undefined) {
  return pipelineDeltas(before, after).map((delta) => {
    const adds = Object.entries(delta.add);
    return {
      Update: {
        TableName: db.tableName,
        Key: keys.pipelineOpen(delta.scope, delta.month),
        UpdateExpression: `SET #type = :type, #scope = :scope ADD ${adds.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
        ExpressionAttributeNames: { '#type': 'type', '#scope': 'scope', ...Object.fromEntries(adds.map(([name], i) => [`#a${i}`, name])) },
        ExpressionAttributeValues: { ':type': 'pipeline_open', ':scope': delta.scope, ...Object.fromEntries(adds.map(([, value], i) => [`:a${i}`, value])) },
      },
    };
  });
}

/** The open-pipeline items of one scope for months from…to (YYYY-MM, inclusive): one Query (at most 12 small items). */
export async function openPipelineByMonth(db: Db, scope: string, from: string, to: string): Promise<Item[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.pipelineOpenPartition(scope), ':from': from, ':to': to },
    }),
  );
  return out.Items ?? [];
}
