import { z } from 'zod';
import { entityId } from '#shared/core/schemas';
import { createCustomer, type CreateCustomer } from '#shared/customers/schemas';
import { recordOrder, type RecordOrder } from '#shared/customers/value-schemas';
import { contentHash, present, rowErrors, type ImportFormat, type Row, type RowError } from './csv.ts';

/**
 * One CSV row → the same input the API validates (pure). Customers: the POST /customers body, with one contact
 * built from contactName / email / phone; orders: the POST /customers/{id}/orders body plus the customer and the
 * external order id that makes a re-import find the order it already wrote.
 */
export const customerFormat: ImportFormat = {
  required: ['name'],
  optional: ['externalId', 'industry', 'taxId', 'contactName', 'email', 'phone', 'creditRating', 'tags', 'ownerId', 'regionId'],
  key: 'externalId',
};
export const orderFormat: ImportFormat = {
  required: ['externalOrderId', 'customerId', 'amount', 'date', 'productLineId'],
  optional: ['currency', 'note'],
  key: 'externalOrderId',
};

const externalId = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'Letters, digits and _ . : - only');

export type Parsed<T> = { ok: true; line: number; naturalKey: string; input: T } | { ok: false; errors: RowError[] };

const CUSTOMER_COLUMNS: Record<string, string> = { 'contacts.0.name': 'contactName', 'contacts.0.email': 'email', 'contacts.0.phone': 'phone' };

export function parseCustomerRow(row: Row): Parsed<CreateCustomer> {
  const { externalId: ext, contactName, email, phone, tags, ...fields } = present(row.values);
  const contact = email || phone || contactName ? [{ name: contactName ?? fields.name ?? '', ...(email ? { email } : {}), ...(phone ? { phone } : {}) }] : undefined;
  const body = { ...fields, ...(contact ? { contacts: contact } : {}), ...(tags ? { tags: tags.split(';').map((t) => t.trim()).filter(Boolean) } : {}) };
  const errors: RowError[] = [];
  const key = ext === undefined ? undefined : externalId.safeParse(ext);
  if (key && !key.success) errors.push(...rowErrors(row.line, key.error, () => 'externalId'));
  const parsed = createCustomer.safeParse(body);
  // Without a contactName the contact is named after the customer: its error is the name's (reported once).
  const column = (path: string) => (path === 'contacts.0.name' && !contactName ? 'name' : (CUSTOMER_COLUMNS[path] ?? path.split('.')[0]!));
  if (!parsed.success) for (const e of rowErrors(row.line, parsed.error, column)) if (!errors.some((seen) => seen.field === e.field)) errors.push(e);
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  // Without an external id the row's content is its identity: the same line imported twice is the same customer.
  return { ok: true, line: row.line, naturalKey: key?.success ? `ext#${key.data}` : `hash#${contentHash(row.values)}`, input: parsed.data };
}

export type OrderRow = RecordOrder & { customerId: string };

const orderRow = z.strictObject({ customerId: entityId, externalOrderId: externalId });
/** "125000" → 125000; anything else goes to the schema as text and is reported there (one error per field). */
const numeric = (text: string | undefined) => (text !== undefined && /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text);

export function parseOrderRow(row: Row, today: string): Parsed<OrderRow> {
  const { customerId, externalOrderId, amount, ...fields } = present(row.values);
  const errors: RowError[] = [];
  const ids = orderRow.safeParse({ customerId, externalOrderId });
  if (!ids.success) errors.push(...rowErrors(row.line, ids.error, (path) => path));
  const parsed = recordOrder.safeParse({ ...fields, amount: numeric(amount) });
  if (!parsed.success) errors.push(...rowErrors(row.line, parsed.error, (path) => path));
  if (parsed.success && parsed.data.date > today) errors.push({ line: row.line, field: 'date', message: `On or before ${today} (UTC)` });
  if (errors.length > 0 || !parsed.success || !ids.success) return { ok: false, errors };
  return { ok: true, line: row.line, naturalKey: ids.data.externalOrderId, input: { ...parsed.data, customerId: ids.data.customerId } };
}
