import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-request';

/**
 * fast-check arbitraries for hostile HTTP requests: every method Node's parser accepts, odd paths,
 * content types and encodings, random and interesting headers, and bodies from random bytes to
 * huge, deeply nested or prototype-polluting JSON, unicode and wrong-typed fields. About a third of
 * requests are shaped like the function's real callers, so the fuzzer gets past the first checks.
 */
export interface RequestShape {
  /** The method real callers use. */
  method: 'GET' | 'POST';
  /** Body fields the function reads, to fill with plausible and wrong-typed values. */
  fields: readonly string[];
  /** Headers real callers send (values get fuzzed too). */
  callerHeaders: Readonly<Record<string, string>>;
}

/** Methods llhttp (Node's HTTP parser) accepts, CONNECT excepted (it changes the connection). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'LINK'];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON; Charset=UTF-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/secevent+jwt',
  'application/cloudevents+json',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/xml',
  '*/*',
  ';',
  '',
];

const CONTENT_ENCODINGS = ['identity', 'gzip', 'deflate', 'br', 'compress', 'x-made-up', 'gzip, gzip'];

/** Headers the framework, Cloud Run or the product read: worth more than random names. */
const INTERESTING_HEADERS = [
  'x-requested-with',
  'authorization',
  'x-firebase-appcheck',
  'traceparent',
  'x-cloud-trace-context',
  'function-execution-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-http-method-override',
  'origin',
  'cookie',
  'accept',
  'accept-encoding',
  'ce-id',
  'ce-type',
  'ce-source',
  'ce-specversion',
];

/** Transport headers the client sets itself; fuzzing them tests Node, not the product. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'keep-alive', 'te', 'trailer']);

const headerName = fc.oneof(
  { arbitrary: fc.constantFrom(...INTERESTING_HEADERS), weight: 3 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), weight: 1 },
);
/** Visible ASCII and Latin-1, tab included: what Node lets a header value carry. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom('', ' ', '\t', 'Bearer', 'Bearer ', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'null', 'undefined', '__proto__'),
  fc.tuple(base64urlText(300), base64urlText(500), base64urlText(342)).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
  fc.tuple(base64urlText(100), base64urlText(300), base64urlText(342)).map(([a, b, c]) => `${a}.${b}.${c}`),
);

function base64urlText(maxLength: number) {
  return fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{1,${maxLength}}$`));
}

const unicodeText = fc.string({ unit: 'binary', maxLength: 300 });

/** Values of the wrong type for a field the function expects to be a string. */
const wrongTyped = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.constant({ $gt: '' }),
  fc.constant({ toString: 'x', valueOf: 1 }),
  fc.constant([]),
  fc.constant({}),
);

/** Plausible strings: Google-code-like, URL-safe, very long, unicode, or with injection payloads. */
const stringish = fc.oneof(
  fc.stringMatching(/^4\/0A[A-Za-z0-9_-]{10,80}$/),
  fc.stringMatching(/^[A-Za-z0-9\-._~/+=]{1,1100}$/),
  unicodeText,
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE users; --', '../../etc/passwd', '${jndi:ldap://x}', '<script>alert(1)</script>', '\u0000', 'users/alice', '__proto__', 'constructor'),
);

function jsonObjectWith(fields: readonly string[]) {
  const names = fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('field');
  return fc.dictionary(fc.oneof(names, fc.string({ maxLength: 10 })), fc.oneof(stringish, wrongTyped, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 5 }).map((o) => JSON.stringify(o));
}

/** JSON text with keys JSON.stringify would never write from a plain object: prototype pollution attempts. */
const pollutingJson = fc.constantFrom(
  '{"__proto__": {"isAdmin": true, "status": "active"}}',
  '{"constructor": {"prototype": {"polluted": "yes"}}}',
  '{"code": "4/0Aabc", "__proto__": {"code": "other"}}',
  '{"__proto__": null, "code": "x"}',
  '{"code": "a", "code": "b"}',
  '{"cursor": "a", "__proto__": {"cursor": "b"}}',
  '{"prototype": {}, "hasOwnProperty": 1, "toString": 2}',
);

const pollutingForm = fc.constantFrom(
  '__proto__[isAdmin]=true',
  'constructor[prototype][polluted]=yes',
  'code=a&code=b',
  'code[]=a&code[]=b',
  'code[$gt]=',
  'a[b][c][d][e][f][g][h][i][j][k]=1',
  'code=%ZZ',
  '&&&==&=',
);

const deeplyNested = fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => {
  const close = open === '[' ? ']' : '}';
  return `${open.repeat(depth)}${open === '[' ? '1' : '1'}${close.repeat(depth)}`;
});

const hugeJson = fc.tuple(fc.integer({ min: 16_000, max: 200_000 }), fc.constantFrom('string', 'array', 'keys')).map(([size, kind]) => {
  if (kind === 'string') return JSON.stringify({ code: 'a'.repeat(size) });
  if (kind === 'array') return `[${'0,'.repeat(size / 2)}0]`;
  return `{${Array.from({ length: size / 12 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
});

/** A body as the real caller sends it, with each field plausible or of the wrong type. */
function callerShapedJson(fields: readonly string[]) {
  if (fields.length === 0) return fc.constant('{}');
  return fc
    .tuple(...fields.map((field) => fc.oneof({ arbitrary: stringish, weight: 4 }, { arbitrary: wrongTyped, weight: 1 }).map((value) => [field, value] as const)))
    .map((entries) => JSON.stringify(Object.fromEntries(entries)));
}

function bodyFor(shape: RequestShape) {
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: callerShapedJson(shape.fields), weight: 6 },
    { arbitrary: jsonObjectWith(shape.fields), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'), weight: 2 },
    { arbitrary: pollutingJson, weight: 2 },
    { arbitrary: pollutingForm, weight: 1 },
    { arbitrary: fc.dictionary(fc.constantFrom(...shape.fields, 'x'), stringish, { maxKeys: 3 }).map((o) => new URLSearchParams(o).toString()), weight: 2 },
    { arbitrary: deeplyNested, weight: 1 },
    { arbitrary: hugeJson, weight: 1 },
    { arbitrary: unicodeText, weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
    { arbitrary: fc.constantFrom('{"code": ', 'null', '[]', '"just a string"', '{', '\uFEFF{"code":"x"}', '{"code":"\\ud800"}'), weight: 1 },
  ).map((body) => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body));
}

const path = fc.oneof(
  { arbitrary: fc.constant('/'), weight: 6 },
  { arbitrary: fc.constantFrom('/?code=4/0Aabc', '/users/alice', '//', '/%2e%2e/', '/?__proto__[x]=1', '/;x', '/p?a=1&a=2'), weight: 1 },
  { arbitrary: fc.stringMatching(/^\/p\/[A-Za-z0-9._~%-]{0,40}$/), weight: 1 },
);

export function requestArbitrary(shape: RequestShape): fc.Arbitrary<FuzzRequest> {
  const method = fc.oneof({ arbitrary: fc.constant(shape.method), weight: 4 }, { arbitrary: fc.constantFrom(...METHODS), weight: 1 });
  const contentType = fc.option(fc.oneof({ arbitrary: fc.constant('application/json'), weight: 6 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 }, { arbitrary: headerValue, weight: 1 }), { freq: 8 });
  // Rare on purpose: an encoding the parser refuses ends the request before the product sees it.
  const contentEncoding = fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: fc.constantFrom(...CONTENT_ENCODINGS), weight: 1 });
  const callerHeaders = fc.record(
    Object.fromEntries(Object.entries(shape.callerHeaders).map(([name, value]) => [name, fc.oneof({ arbitrary: fc.constant(value), weight: 3 }, { arbitrary: headerValue, weight: 1 })])),
    { requiredKeys: [] },
  );
  const extraHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 4 });
  return fc
    .record({ method, path, contentType, contentEncoding, callerHeaders, extraHeaders, body: bodyFor(shape) })
    .map(({ method: m, path: p, contentType: type, contentEncoding: encoding, callerHeaders: caller, extraHeaders: extra, body }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries({ ...extra, ...caller })) {
        if (value !== undefined && !RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
      }
      if (type !== null) headers['content-type'] = type;
      if (encoding !== null) headers['content-encoding'] = encoding;
      return { method: m, path: p, headers, body };
    });
}
