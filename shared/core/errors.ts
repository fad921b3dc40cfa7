/** One error type for every expected failure; the API turns it into {"error":{code,message,fields}}. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalid = (message: string, fields?: FieldErrors) => new AppError(400, 'invalid_request', message, fields);
export const unauthorized = (message = 'A valid bearer token is required') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do this') => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found`);
export const conflict = (code: string, message: string, fields?: FieldErrors) => new AppError(409, code, message, fields);
/** A conditional update sent without If-Match (412, as the API promises; a stale one is a 409). */
export const preconditionRequired = () =>
  new AppError(412, 'precondition_required', 'This update needs an If-Match header with the ETag you read');

/** True when a DynamoDB call failed because a ConditionExpression did not hold (single write or transaction). */
export function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}

/** Index of the transaction item whose condition failed, or -1. */
export function failedConditionIndex(error: unknown): number {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons ?? [];
  return reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
}

export function isTransactionConflict(error: unknown): boolean {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict');
}
