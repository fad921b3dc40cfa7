import { z } from 'zod';

/**
 * Plainer messages than zod's defaults for the two commonest mistakes: a field left out ("Required" instead of
 * "expected string, received undefined") and a query number that is missing or not a number (coerced to NaN).
 * Set once here, where every schema module starts, so the API and the CSV imports say the same.
 */
z.config({
  customError: (issue) => {
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return 'Required';
    if (issue.expected === 'number' && Number.isNaN(issue.input)) return 'Required: a number';
    return undefined;
  },
});

/** Field shapes every area shares; caps keep strings and arrays bounded. */
export const slugId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Use 1–63 lowercase letters, digits or dashes');
/** Server ids are ULIDs; seeded and admin-chosen ids are slugs. Either way: short and URL-safe. */
export const entityId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'Not a valid id');
export const name = z.string().trim().min(1).max(200);
export const shortText = z.string().trim().max(200);
export const email = z.string().trim().max(254).email();
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD');
export const phone = z.string().trim().max(40).regex(/^[+0-9 ()-]*$/, 'Digits, spaces, +, - and () only');
export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Use YYYY-MM');
