import { describe, expect, it } from 'vitest';
import { diff } from '#shared/core/audit';
import { decodeCursor, encodeCursor } from '#shared/core/pagination';
import { requestHash } from '#shared/core/idempotency';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { loadConfig } from '#shared/core/config';
import { createTableInput, tableDefinition } from '#shared/core/table';

describe('audit diff', () => {
  it('lists changed fields with before and after, skipping bookkeeping', () => {
    expect(diff({ name: 'a', tags: ['x'], version: 1 }, { name: 'b', tags: ['x'], version: 2, tier: 'A' })).toEqual([
      { field: 'name', before: 'a', after: 'b' },
      { field: 'tier', before: null, after: 'A' },
    ]);
    expect(diff(undefined, { name: 'a' })).toEqual([{ field: 'name', before: null, after: 'a' }]);
  });
});

describe('cursors', () => {
  const key = { PK: 'CUSTOMER#1', SK: 'PROFILE', GSI1PK: 'OWNER#u', GSI1SK: 'CUSTOMER#active#C#1' };
  it('round-trip only within the same partition and key shape', () => {
    const cursor = encodeCursor(key)!;
    expect(decodeCursor(cursor, { attribute: 'GSI1PK', value: 'OWNER#u' }, ['PK', 'SK', 'GSI1PK', 'GSI1SK'])).toEqual(key);
    expect(() => decodeCursor(cursor, { attribute: 'GSI1PK', value: 'OWNER#other' }, ['PK', 'SK', 'GSI1PK', 'GSI1SK'])).toThrow(/not valid/);
    expect(() => decodeCursor('%%%', { attribute: 'GSI1PK', value: 'OWNER#u' }, ['PK', 'SK', 'GSI1PK', 'GSI1SK'])).toThrow(/not valid/);
    expect(encodeCursor(undefined)).toBeNull();
  });
});

describe('idempotency hash, ETags, config', () => {
  it('hashes requests independent of key order', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(requestHash({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it('reads ETags back from If-Match, weak or strong, and refuses anything else', () => {
    expect(versionFromIfMatch(etag(7))).toBe(7);
    expect(versionFromIfMatch('W/"7"')).toBe(7);
    expect(() => versionFromIfMatch(undefined)).toThrow(/If-Match/);
    expect(() => versionFromIfMatch('7')).toThrow(/ETag/);
  });

  it('fails fast naming the missing variable', () => {
    expect(() => loadConfig({ TABLE_NAME: 't' })).toThrow(/TOKEN_ISSUER/);
    expect(loadConfig({ TABLE_NAME: 't', TOKEN_ISSUER: 'i', TOKEN_AUDIENCE: 'a' })).toMatchObject({ STAGE: 'aws', MAX_BODY_BYTES: 1048576 });
  });

  it('derives the CreateTable input from the shared definition', () => {
    const input = createTableInput('x');
    expect(input.GlobalSecondaryIndexes.map((i) => i.IndexName)).toEqual(tableDefinition.indexes.map((i) => i.name));
    expect(input.AttributeDefinitions).toHaveLength(2 + 2 * tableDefinition.indexes.length);
  });
});
