import fc from 'fast-check';

/**
 * fast-check arbitraries generated from the API's own /openapi.json (the JSON Schema zod emits), so a new route or
 * field is fuzzed without anyone listing it. `valid` builds values the schema accepts, `bad` values it certainly
 * refuses (checked with `violates`, a conservative reading of the keywords zod emits), `edge` odd but possibly valid.
 */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  params: Param[];
  query: Param[];
  body?: { type: 'json' | 'csv'; schema: Schema };
  public: boolean;
  summary: string;
}

export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as Param[];
      const content = op.requestBody?.content ?? {};
      const body = content['application/json'] ? { type: 'json' as const, schema: content['application/json'].schema as Schema } : content['text/csv'] ? { type: 'csv' as const, schema: {} } : undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body,
        public: !op.security,
        summary: op.summary ?? '',
      });
    }
  }
  return ops;
}

const types = (s: Schema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return true;
  }
}

/** True only when `v` certainly fails `s` (zod may trim strings first, so a string must fail both ways). */
export function violates(s: Schema, v: unknown): boolean {
  if (s.anyOf) return s.anyOf.every((b) => violates(b, v));
  if (s.oneOf) return s.oneOf.every((b) => violates(b, v));
  if (s.enum) return !s.enum.includes(v);
  const ts = types(s);
  if (ts.length && !ts.some((t) => typeMatches(t, v))) return true;
  if (typeof v === 'string') return stringViolates(s, v) && stringViolates(s, v.trim());
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return true;
    if (s.maximum !== undefined && v > s.maximum) return true;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return true;
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return true;
    return false;
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) return true;
    if (s.maxItems !== undefined && v.length > s.maxItems) return true;
    return !!s.items && v.some((item) => violates(s.items!, item));
  }
  if (isObject(v) && (s.properties || s.additionalProperties !== undefined)) {
    const props = s.properties ?? {};
    if ((s.required ?? []).some((k) => !Object.hasOwn(v, k))) return true;
    for (const [k, value] of Object.entries(v)) {
      if (Object.hasOwn(props, k)) {
        if (violates(props[k]!, value)) return true;
      } else if (s.additionalProperties === false) return true;
      else if (isObject(s.additionalProperties) && violates(s.additionalProperties, value)) return true;
    }
  }
  return false;
}

function stringViolates(s: Schema, v: string): boolean {
  if (s.minLength !== undefined && v.length < s.minLength) return true;
  if (s.maxLength !== undefined && v.length > s.maxLength) return true;
  if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) return true;
  if (s.format === 'email' && !v.includes('@')) return true;
  if (s.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T/.test(v)) return true;
  return false;
}

const MAX_SAFE = 1e15;

/** Values the schema accepts. Strings stay short; patterns are honoured with fc.stringMatching. */
export function valid(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(...branches.map((b) => valid(b, depth)));
  const ts = types(s);
  if (ts.length > 1) return fc.oneof(...ts.map((t) => valid({ ...s, type: t }, depth)));
  const minLength = s.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(s.maxLength ?? 40, 40));
  switch (ts[0]) {
    case 'string': {
      let base: fc.Arbitrary<string>;
      if (s.format === 'email') base = fc.emailAddress();
      else if (s.format === 'date-time') base = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
      else if (s.pattern) base = fc.stringMatching(new RegExp(s.pattern));
      else base = fc.oneof(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: 'grapheme' }), fc.constantFrom('Acme 株式会社', 'Ünïcødé ✓', 'O\'Brien & Söhne'));
      return base.filter((v) => !violates(s, v) && v.trim().length >= minLength);
    }
    case 'integer': {
      const min = Math.max(s.minimum ?? -MAX_SAFE, s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -MAX_SAFE, -MAX_SAFE);
      const max = Math.min(s.maximum ?? MAX_SAFE, s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : MAX_SAFE, MAX_SAFE);
      return fc.oneof(fc.integer({ min, max: Math.min(max, min + 1000) }), fc.integer({ min, max }));
    }
    case 'number': {
      const min = Math.max(s.minimum ?? -MAX_SAFE, s.exclusiveMinimum ?? -MAX_SAFE);
      const max = Math.min(s.maximum ?? MAX_SAFE, s.exclusiveMaximum ?? MAX_SAFE);
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter((v) => !violates(s, v));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items && depth < 4 ? valid(s.items, depth + 1) : fc.constant(null), { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)) });
    case 'object':
    default: {
      if (!s.properties && !s.additionalProperties) return fc.constant({});
      const props = s.properties ?? {};
      const record = fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, depth < 4 ? valid(p, depth + 1) : fc.constant(null)])), { requiredKeys: s.required ?? [] });
      if (!isObject(s.additionalProperties)) return record;
      const extra = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((k) => !Object.hasOwn(props, k)), valid(s.additionalProperties, depth + 1), { maxKeys: 3 });
      return fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a }));
    }
  }
}

/** Strings an attacker or a careless client sends: traversal, injection, control and astral characters. */
export const nastyStrings = [
  '',
  ' ',
  '../../../etc/passwd',
  '..%2F..%2Fetc',
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  '{"$ne":null}',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '\u0000',
  '\u202eevil',
  '\ud83d\ude00\ud83d\ude00',
  '\ud800',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  'null',
  'undefined',
  'true',
  '=cmd|calc!A0',
  'CUSTOMER#x',
  'PK',
];

const extremeNumbers = [0, -0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 5e-324, 1e16, 2 ** 31, -(2 ** 31)];

/** Deep nesting in a field: {"a":{"a":…}} (a JS value; JSON.stringify handles this depth). */
export const deepValue = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

/** Values `s` refuses: wrong types, out of range, too long, bad patterns, broken items. Empty when nothing can be. */
export function bad(s: Schema): fc.Arbitrary<unknown> {
  const candidates: fc.Arbitrary<unknown>[] = [
    fc.constantFrom<unknown>(null, true, false, [], {}, [null], { $ne: null }, ...extremeNumbers, ...nastyStrings),
    fc.constant(deepValue(200)),
    fc.jsonValue({ maxDepth: 3 }),
  ];
  if (s.maxLength !== undefined) candidates.push(fc.constantFrom('x'.repeat(s.maxLength + 1), '中'.repeat(s.maxLength + 1), 'y'.repeat(100_000)));
  if (s.minLength) candidates.push(fc.constant(''));
  const limit = (n: number | undefined, d: number) => (n === undefined ? [] : [n + d, n + d / 2, n]);
  candidates.push(fc.constantFrom<unknown>(0, ...limit(s.maximum, 1), ...limit(s.minimum, -1), ...limit(s.exclusiveMinimum, 0), ...limit(s.exclusiveMaximum, 0)));
  if (s.maxItems !== undefined && s.items) candidates.push(fc.array(valid(s.items), { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }));
  if (s.items) candidates.push(bad(s.items).map((item) => [item]));
  if (s.properties) candidates.push(badObject(s).map((c) => c.value));
  return fc.oneof(...candidates).filter((v) => violates(s, v));
}

/** A case for a JSON body: the value, and the field paths a 400 must name (empty: the body as a whole). */
export interface BodyCase {
  kind: string;
  value?: unknown;
  raw?: string;
  expect?: string[];
  invalid: boolean;
}

const unknownKey = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'PK', 'SK', 'GSI1PK', 'type', 'isAdmin', '$where'),
);

function withKey(obj: Record<string, unknown>, key: string, value: unknown) {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** A valid object with one field (possibly nested) broken, missing or unknown. */
function badObject(s: Schema): fc.Arbitrary<{ value: unknown; path: string }> {
  // Only fields the schema can refuse, or the filter in bad() would never find a value.
  const probes: unknown[] = [null, 0, 1.5, -1, '', 'x', [], {}, true, 'y'.repeat(100_000)];
  const props = Object.entries(s.properties ?? {}).filter(([, p]) => probes.some((v) => violates(p, v)));
  const base = valid(s) as fc.Arbitrary<Record<string, unknown>>;
  const options: fc.Arbitrary<{ value: unknown; path: string }>[] = [];
  if (props.length) {
    options.push(
      fc.constantFrom(...props).chain(([k, p]) =>
        fc.tuple(base, bad(p)).map(([obj, v]) => ({ value: withKey(obj, k, v), path: k })),
      ),
    );
  }
  if (s.required?.length) options.push(fc.tuple(base, fc.constantFrom(...s.required)).map(([obj, k]) => ({ value: Object.fromEntries(Object.entries(obj).filter(([key]) => key !== k)), path: k })));
  if (s.additionalProperties === false) {
    options.push(fc.tuple(base, unknownKey.filter((k) => !Object.hasOwn(s.properties ?? {}, k)), fc.jsonValue({ maxDepth: 2 })).map(([obj, k, v]) => ({ value: withKey(obj, k, v), path: k })));
  }
  return options.length ? fc.oneof(...options) : fc.constant({ value: 42, path: '' });
}

/** Every kind of body the issue lists, weighted toward single broken fields (the ones that must be named). */
export function bodyCases(s: Schema): fc.Arbitrary<BodyCase> {
  const branches = s.oneOf ?? s.anyOf;
  const objectSchema = branches ? undefined : s;
  const cases: fc.Arbitrary<BodyCase>[] = [
    valid(s).map((value) => ({ kind: 'valid', value, invalid: false })),
    fc.constantFrom<unknown>([], 'text', 42, null, true, [{}]).map((value) => ({ kind: 'wrong top-level type', value, expect: [], invalid: true })),
    fc.constantFrom('{"a":', '{"a":1}}', '\u0000', '{a:1}', "{'a':1}", '[', 'nul', '{"a":"\\ud800"', '\ufeff{}').map((raw) => ({ kind: 'malformed JSON', raw, invalid: true })),
    fc.constantFrom(1000, 10_000, 100_000).map((n) => ({ kind: 'deep nesting', raw: '['.repeat(n) + ']'.repeat(n), invalid: true })),
    fc.constantFrom(1000, 10_000).map((n) => ({ kind: 'deep object', raw: '{"a":'.repeat(n) + '1' + '}'.repeat(n), invalid: true })),
  ];
  if (branches) {
    cases.push(bad(s).map((value) => ({ kind: 'bad union', value, expect: [], invalid: true })));
    const broken = branches.filter((b) => b.properties).map((b) => badObject(b).map((c) => c.value).filter((v) => violates(s, v)));
    if (broken.length) cases.push(fc.oneof(...broken).map((value) => ({ kind: 'union branch broken', value, expect: [], invalid: true })));
  }
  if (objectSchema?.properties) {
    const props = objectSchema.properties;
    cases.push(
      badObject(objectSchema).map(({ value, path }) => ({ kind: 'one field broken', value, expect: [path], invalid: true })),
      badObject(objectSchema).map(({ value, path }) => ({ kind: 'one field broken', value, expect: [path], invalid: true })),
      badObject(objectSchema).map(({ value, path }) => ({ kind: 'one field broken', value, expect: [path], invalid: true })),
      fc.constant(Object.fromEntries(Object.keys(props).map((k) => [k, null]))).map((value) => {
        const nulls = Object.keys(props).filter((k) => violates(props[k]!, null));
        return { kind: 'null everywhere', value, expect: nulls, invalid: nulls.length > 0 || (objectSchema.required ?? []).length > 0 };
      }),
    );
    const numeric = Object.keys(props).filter((k) => types(props[k]!).some((t) => t === 'number' || t === 'integer'));
    if (numeric.length) {
      cases.push(
        fc.tuple(valid(objectSchema) as fc.Arbitrary<Record<string, unknown>>, fc.constantFrom(...numeric), fc.constantFrom('1e309', '-1e309', '1e-400', '123456789012345678901234567890', '-0', '0.1e1')).map(([obj, k, literal]) => {
          const raw = JSON.stringify({ ...obj, [k]: '__NUMBER__' }).replace('"__NUMBER__"', literal);
          const parsed = (JSON.parse(raw) as Record<string, unknown>)[k];
          const invalid = violates(props[k]!, parsed);
          return { kind: 'extreme number literal', raw, expect: invalid ? [k] : undefined, invalid };
        }),
      );
    }
  }
  return fc.oneof(...cases);
}

/** A query string for an operation: valid, one parameter broken, or an unknown parameter. */
export interface QueryCase {
  kind: string;
  query: Record<string, string>;
  expect?: string[];
  invalid: boolean;
}

const asQueryValue = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A query value is a string; numbers are coerced (Number('') is 0), everything else compared as text. */
function queryViolates(s: Schema, text: string): boolean {
  const ts = types(s);
  if (!s.enum && ts.some((t) => t === 'integer' || t === 'number')) return violates(s, Number(text));
  return violates(s.enum ? s : { ...s, type: 'string' }, text);
}

export function queryCases(params: Param[]): fc.Arbitrary<QueryCase> {
  const queryOf = (ps: Param[]) =>
    fc.record(Object.fromEntries(ps.map((p) => [p.name, valid(p.schema).map(asQueryValue)])), { requiredKeys: ps.filter((p) => p.required).map((p) => p.name) }) as fc.Arbitrary<Record<string, string>>;
  const validQuery = queryOf(params);
  // A broken parameter travels with the required ones only, so no other (valid but refused) filter answers first.
  const requiredOnly = queryOf(params.filter((p) => p.required));
  const badText = (s: Schema) =>
    fc.oneof(
      fc.constantFrom('abc', '1.5', '-1', '0', '101', '1e308', 'NaN', '', '0x10', '99999999999999999999', 'true', '[]', '%00', ...nastyStrings),
      fc.string({ maxLength: 30 }),
      fc.constant('z'.repeat(5000)),
      bad(s).map(asQueryValue),
    ).filter((text) => queryViolates(s, text));
  const cases: fc.Arbitrary<QueryCase>[] = [
    validQuery.map((query) => ({ kind: 'valid query', query, invalid: false })),
    fc.tuple(requiredOnly, unknownKey.filter((k) => !params.some((p) => p.name === k) && k !== '__proto__'), fc.string({ maxLength: 20 })).map(([query, k, v]) => ({ kind: 'unknown query parameter', query: { ...query, [k]: v }, expect: [k], invalid: true })),
  ];
  // Only parameters the schema can refuse (a refine-only string such as an instant cannot be broken from here).
  const breakable = params.filter((p) => ['', 'abc', '1.5', '-1', '0', '101', 'NaN', 'z'.repeat(5000)].some((text) => queryViolates(p.schema, text)));
  if (breakable.length) {
    cases.push(fc.constantFrom(...breakable).chain((p) => fc.tuple(requiredOnly, badText(p.schema)).map(([query, text]) => ({ kind: 'query parameter broken', query: { ...query, [p.name]: text }, expect: [p.name], invalid: true }))));
  }
  if (params.some((p) => p.name === 'cursor')) {
    const cursors = fc.oneof(
      fc.base64String({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
      fc.constant(Buffer.from(JSON.stringify({ PK: 'USER#admin', SK: 'PROFILE' })).toString('base64url')),
      fc.constant(Buffer.from(JSON.stringify({ PK: { S: 'x' } })).toString('base64url')),
      fc.constantFrom('!!!', '%', '====', ...nastyStrings.filter(Boolean)),
    );
    // A list that pages nothing (a rep's one team) may ignore a cursor, so a forged one is not required to fail.
    cases.push(fc.tuple(requiredOnly, cursors.filter((c) => c !== '')).map(([query, cursor]) => ({ kind: 'forged cursor', query: { ...query, cursor }, expect: ['cursor'], invalid: false })));
  }
  return fc.oneof(...cases);
}

/** A path parameter: a real id (from `pool`), an id of nothing, or something that is no id at all. */
export function pathValue(p: Param, pool: string[]): fc.Arbitrary<{ text: string; encode: boolean }> {
  const encoded = (a: fc.Arbitrary<string>, weight: number) => ({ arbitrary: a.map((text) => ({ text, encode: true })), weight });
  return fc.oneof(
    ...(pool.length ? [encoded(fc.constantFrom(...pool), 6)] : []),
    encoded(valid(p.schema) as fc.Arbitrary<string>, 3),
    encoded(fc.constantFrom('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nothing-here', 'x'.repeat(64), 'x'.repeat(300), '中文', '😀', ...nastyStrings), 2),
    encoded(fc.string({ maxLength: 80, unit: 'grapheme' }), 1),
    { arbitrary: fc.constantFrom('..', '../..', '../admin', '%2e%2e', 'a/b', '%2F', '%00', '?x=1', '#frag').map((text) => ({ text, encode: false })), weight: 1 },
  );
}

/** Builds the request path for an operation from chosen path values. */
export function fillPath(path: string, values: Record<string, { text: string; encode: boolean }>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name]!;
    return v.encode ? encodeURIComponent(v.text.replace(/\p{Surrogate}/gu, '\ufffd')) : v.text;
  });
}
