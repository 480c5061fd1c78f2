import { AppError } from '../../../functions/src/errors/app-error';
import { readExchangeRequest } from '../../../functions/src/exchange/exchange-request';
import type { HttpRequest } from '../../../functions/src/http/types';

const CODE = '4/0AeanS0a-Example_Code.with~safe/chars';

function request(overrides: Partial<HttpRequest> & { json?: unknown } = {}): HttpRequest {
  const body = overrides.json === undefined ? JSON.stringify({ code: CODE }) : JSON.stringify(overrides.json);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.app', ...overrides.headers },
    rawBody: overrides.rawBody ?? Buffer.from(body),
    ...(overrides.method ? { method: overrides.method } : {}),
  };
}

function codeOf(req: HttpRequest): string {
  try {
    readExchangeRequest(req);
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('readExchangeRequest', () => {
  it('accepts a Google-shaped code as JSON or as a form', () => {
    expect(readExchangeRequest(request())).toBe(CODE);
    const form = request({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, rawBody: Buffer.from(`code=${encodeURIComponent(CODE)}`) });
    expect(readExchangeRequest(form)).toBe(CODE);
  });

  it('checks method, then CSRF header, then size, then media type, then the body', () => {
    expect(codeOf(request({ method: 'GET', headers: { 'x-requested-with': '' } }))).toBe('method_not_allowed');
    expect(codeOf(request({ headers: { 'x-requested-with': '  ' } }))).toBe('csrf_header_missing');
    expect(codeOf(request({ rawBody: Buffer.alloc(16 * 1024 + 1, 'a'), headers: { 'content-type': 'text/plain' } }))).toBe('payload_too_large');
    expect(codeOf(request({ headers: { 'content-type': 'text/plain' } }))).toBe('unsupported_media_type');
    expect(codeOf(request({ headers: { 'content-type': '' } }))).toBe('unsupported_media_type');
  });

  it.each([
    ['malformed JSON', { rawBody: Buffer.from('{"code": ') }],
    ['a JSON array', { json: [CODE] }],
    ['JSON null', { json: null }],
    ['no code', { json: { token: CODE } }],
    ['a number', { json: { code: 42 } }],
    ['an object', { json: { code: { $gt: '' } } }],
    ['an empty code', { json: { code: '' } }],
    ['a code over 1024 characters', { json: { code: 'a'.repeat(1025) } }],
    ['a space', { json: { code: '4/0A b' } }],
    ['a newline', { json: { code: '4/0A\nb' } }],
    ['non-ASCII', { json: { code: '4/0Aé' } }],
    ['invalid UTF-8', { rawBody: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) }],
  ])('rejects %s as invalid_request', (_name, overrides) => {
    expect(codeOf(request(overrides as Partial<HttpRequest>))).toBe('invalid_request');
  });

  it('rejects repeated and nested form fields', () => {
    const form = (body: string) => request({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from(body) });
    expect(codeOf(form('code=a&code=b'))).toBe('invalid_request');
    expect(codeOf(form('code[x]=a'))).toBe('invalid_request');
  });

  it('ignores __proto__ keys instead of polluting prototypes', () => {
    const req = request({ rawBody: Buffer.from(`{"__proto__": {"polluted": true}, "code": "${CODE}"}`) });
    expect(readExchangeRequest(req)).toBe(CODE);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
