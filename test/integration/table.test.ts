import { describe, it, expect } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { freshTable } from '#test/support/db';
import { tableDefinition } from '#shared/core/table';

describe('the shared table definition on DynamoDB Local', () => {
  it('creates the key schema and every GSI the code queries', async () => {
    const db = await freshTable();
    const { Table } = await db.doc.send(new DescribeTableCommand({ TableName: db.tableName }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['PK', 'SK']);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(tableDefinition.indexes.map((i) => i.name));
  });
});
