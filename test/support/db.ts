import { inject } from 'vitest';
import { ensureTable } from '#infra/local/dynamodb-local';
import { createDb, localDbConfig, type Db } from '#shared/core/db';
import { newId } from '#shared/core/ids';

/** A fresh, empty table on the run's DynamoDB Local, built from the shared definition. */
export async function freshTable(): Promise<Db & { endpoint: string }> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `test-${newId().toLowerCase()}`;
  await ensureTable(endpoint, tableName);
  return { ...createDb(tableName, localDbConfig(endpoint)), endpoint };
}
