import { createHash } from 'node:crypto';

/**
 * Duplicate detection keys (pure). Two customers are possible duplicates when their normalised names are equal AND
 * they share a phone, an e-mail or a tax id: the name alone is too weak (many "Acme"s), a shared phone alone too
 * (switchboards). Each key is one lookup item in the table, so a check is one BatchGet, never a scan.
 */

/** Legal-form suffixes that say nothing about who the company is ("ACME Ltd." = "Acme Limited" = "acme"). */
const SUFFIXES = new Set([
  'ltd', 'limited', 'llc', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'plc', 'gmbh', 'ag', 'sa', 'sas', 'sarl',
  'bv', 'nv', 'srl', 'spa', 'oy', 'ab', 'as', 'kg', 'pte', 'pty', 'lp', 'llp', 'group', 'holding', 'holdings',
]);
/** Chinese company forms, stripped from the end of a name written without spaces. */
const CJK_SUFFIXES = ['有限责任公司', '股份有限公司', '集团有限公司', '有限公司', '集团', '公司'];

export function normaliseName(name: string): string {
  let text = name.normalize('NFKC').toLowerCase().replace(/&/g, ' and ');
  for (const suffix of CJK_SUFFIXES) if (text.endsWith(suffix) && text.length > suffix.length) text = text.slice(0, -suffix.length);
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  // Strip trailing forms repeatedly ("Acme Holdings Co., Ltd."), but never the whole name.
  while (words.length > 1 && SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** Digits only ("+86 (10) 1234-5678" = "+86 10 12345678"); fewer than 6 digits identify nobody. */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/^\s*00/, '+').replace(/\D/g, '');
  return digits.length >= 6 ? digits : '';
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const normaliseTaxId = (taxId: string) => taxId.replace(/[^A-Za-z0-9]/g, '').toUpperCase();

export type MatchField = 'taxId' | 'email' | 'phone';

export interface MatchKey {
  field: MatchField;
  /** The lookup item's key value: field, normalised name and normalised value. */
  key: string;
}

/** What detection reads from a customer or a create request. */
export interface Matchable {
  name: string;
  taxId?: string;
  contacts?: { email?: string; phone?: string }[];
}

/** A customer with 20 contacts would write 41 lookups; the first few identify it well enough and keep the transaction small. */
export const MAX_MATCH_KEYS = 8;

export function matchKeys(customer: Matchable): MatchKey[] {
  const name = normaliseName(customer.name);
  if (!name) return [];
  const found = new Map<string, MatchKey>();
  const add = (field: MatchField, value: string) => {
    if (!value) return;
    const key = `${field}#${name}#${value}`;
    if (!found.has(key)) found.set(key, { field, key });
  };
  if (customer.taxId) add('taxId', normaliseTaxId(customer.taxId));
  for (const contact of customer.contacts ?? []) {
    if (contact.email) add('email', normaliseEmail(contact.email));
    if (contact.phone) add('phone', normalisePhone(contact.phone));
  }
  return [...found.values()].slice(0, MAX_MATCH_KEYS);
}

export interface Candidate {
  customerId: string;
  matchedFields: MatchField[];
}

/**
 * Candidates from the lookup items found for `keys` (each lists the customer ids written under it), excluding
 * `self`; fields are listed once per candidate, in the order taxId, email, phone.
 */
export function candidatesFrom(keys: MatchKey[], customerIdsByKey: Map<string, string[]>, self?: string): Candidate[] {
  const byCustomer = new Map<string, Set<MatchField>>();
  for (const { field, key } of keys) {
    for (const id of customerIdsByKey.get(key) ?? []) {
      if (id === self) continue;
      if (!byCustomer.has(id)) byCustomer.set(id, new Set());
      byCustomer.get(id)!.add(field);
    }
  }
  const order: MatchField[] = ['taxId', 'email', 'phone'];
  return [...byCustomer.entries()]
    .map(([customerId, fields]) => ({ customerId, matchedFields: order.filter((f) => fields.has(f)) }))
    .sort((a, b) => b.matchedFields.length - a.matchedFields.length || a.customerId.localeCompare(b.customerId));
}

/** A flagged pair's id is the same whichever customer came first, so flagging twice writes one pair. */
export const pairId = (a: string, b: string) => createHash('sha256').update(a < b ? `${a}|${b}` : `${b}|${a}`).digest('hex').slice(0, 32);
