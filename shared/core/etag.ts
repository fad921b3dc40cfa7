import { invalid, preconditionRequired } from './errors.ts';

/** ETags are the item's version: "3". Weak forms (W/"3") are accepted back. */
export const etag = (version: number) => `"${version}"`;

export function versionFromIfMatch(ifMatch: string | undefined): number {
  if (!ifMatch) throw preconditionRequired();
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(ifMatch.trim());
  if (!match) throw invalid('If-Match must be the ETag of the version you read, e.g. "3"', { 'If-Match': 'Not an ETag of this API' });
  return Number(match[1]);
}
