import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Round trips made while serving one request: counted by SDK middleware, reported in Server-Timing. */
export interface RoundTrips {
  count: number;
  totalMs: number;
}

const current = new AsyncLocalStorage<RoundTrips>();

/** Runs fn with a fresh round-trip counter and returns both. */
export async function countRoundTrips<T>(fn: () => Promise<T>): Promise<{ result: T; trips: RoundTrips }> {
  const trips: RoundTrips = { count: 0, totalMs: 0 };
  const result = await current.run(trips, fn);
  return { result, trips };
}

export function currentRoundTrips(): RoundTrips | undefined {
  return current.getStore();
}

export interface Db {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export function createDb(tableName: string, config: DynamoDBClientConfig = {}): Db {
  const client = new DynamoDBClient(config);
  // One command = one round trip (SDK retries of the same command are not extra trips for the caller).
  client.middlewareStack.add(
    (next) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const trips = current.getStore();
        if (trips) {
          trips.count += 1;
          trips.totalMs += performance.now() - started;
        }
      }
    },
    { step: 'initialize', name: 'pentadRoundTripCounter' },
  );
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, tableName };
}

/** Fixed fake credentials for DynamoDB Local (it accepts any). */
export function localDbConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}
