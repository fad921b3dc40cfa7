import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** Time-sortable id (ULID): sort keys built from it list newest last. */
export const newId = (): string => next();
