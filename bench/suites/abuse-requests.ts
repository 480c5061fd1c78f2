import type { LoadRequest } from '../lib/load';

/**
 * The malformed fifth of the abuse run: every way the exchange contract (docs/api.md)
 * says a request is refused, each with the one status it must get. None carries a live code,
 * except `replayed_code`, which re-sends a code that has already been exchanged.
 */
export interface AbuseKind {
  tag: string;
  expectedStatus: number;
  build(replayableCode: string): LoadRequest;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'x-requested-with': 'com.example.bench' };
const post = (body: string, headers: Record<string, string> = JSON_HEADERS): LoadRequest => ({ method: 'POST', headers, body });
const WELL_FORMED_UNKNOWN_CODE = `4/0A${'x'.repeat(70)}`;

export const MALFORMED_KINDS: readonly AbuseKind[] = [
  { tag: 'broken_json', expectedStatus: 400, build: () => post('{"code": "4/0A') },
  { tag: 'no_code', expectedStatus: 400, build: () => post('{}') },
  { tag: 'code_not_a_string', expectedStatus: 400, build: () => post('{"code": 42}') },
  { tag: 'code_bad_characters', expectedStatus: 400, build: () => post('{"code": "4/0A<script>alert(1)</script>"}') },
  { tag: 'prototype_keys', expectedStatus: 400, build: () => post('{"__proto__": {"code": "4/0Aabc"}, "constructor": {"code": 1}}') },
  { tag: 'json_array', expectedStatus: 400, build: () => post('[{"code": "4/0Aabc"}]') },
  { tag: 'body_too_large', expectedStatus: 413, build: () => post(JSON.stringify({ code: '4/0A', padding: 'x'.repeat(20 * 1024) })) },
  { tag: 'no_csrf_header', expectedStatus: 403, build: () => post(JSON.stringify({ code: WELL_FORMED_UNKNOWN_CODE }), { 'content-type': 'application/json' }) },
  { tag: 'wrong_method', expectedStatus: 405, build: () => ({ method: 'GET', headers: { 'x-requested-with': 'com.example.bench' } }) },
  {
    tag: 'wrong_content_type',
    expectedStatus: 415,
    build: () => post(`code=${WELL_FORMED_UNKNOWN_CODE}`, { 'content-type': 'text/plain', 'x-requested-with': 'com.example.bench' }),
  },
  { tag: 'unknown_code', expectedStatus: 400, build: () => post(JSON.stringify({ code: WELL_FORMED_UNKNOWN_CODE })) },
  { tag: 'replayed_code', expectedStatus: 400, build: (used) => post(JSON.stringify({ code: used })) },
];

export function validRequest(code: string): LoadRequest {
  return { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ code }), tag: 'valid' };
}
