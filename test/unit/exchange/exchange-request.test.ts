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

const ALLOWED = ['postmessage', 'https://web.example.com/oauth/callback'];

function codeOf(req: HttpRequest): string {
  try {
    readExchangeRequest(req, ALLOWED);
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('readExchangeRequest', () => {
  it('accepts a Google-shaped code as JSON or as a form', () => {
    expect(readExchangeRequest(request(), ALLOWED)).toEqual({ code: CODE, redirectUri: undefined });
    const form = request({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, rawBody: Buffer.from(`code=${encodeURIComponent(CODE)}`) });
    expect(readExchangeRequest(form, ALLOWED)).toEqual({ code: CODE, redirectUri: undefined });
  });

  it('reads a listed redirectUri from JSON or a form', () => {
    expect(readExchangeRequest(request({ json: { code: CODE, redirectUri: 'postmessage' } }), ALLOWED)).toEqual({ code: CODE, redirectUri: 'postmessage' });
    const body = new URLSearchParams({ code: CODE, redirectUri: ALLOWED[1]! }).toString();
    const form = request({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from(body) });
    expect(readExchangeRequest(form, ALLOWED)).toEqual({ code: CODE, redirectUri: ALLOWED[1] });
  });

  it.each([
    ['an unlisted URI', 'https://evil.example.com/cb'],
    ['a listed one with a trailing slash', `${'https://web.example.com/oauth/callback'}/`],
    ['an empty string', ''],
    ['a very long string', `https://web.example.com/${'a'.repeat(5000)}`],
  ])('answers redirect_uri_not_allowed for %s', (_name, redirectUri) => {
    expect(codeOf(request({ json: { code: CODE, redirectUri } }))).toBe('redirect_uri_not_allowed');
  });

  it('answers redirect_uri_not_allowed when no redirect URI is listed at all', () => {
    expect(() => readExchangeRequest(request({ json: { code: CODE, redirectUri: 'postmessage' } }), [])).toThrow(
      expect.objectContaining({ code: 'redirect_uri_not_allowed' }),
    );
  });

  it('checks the code before the redirect URI', () => {
    expect(codeOf(request({ json: { code: '', redirectUri: 'https://evil.example.com' } }))).toBe('invalid_request');
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
    ['a redirectUri that is not a string', { json: { code: CODE, redirectUri: ['postmessage'] } }],
  ])('rejects %s as invalid_request', (_name, overrides) => {
    expect(codeOf(request(overrides as Partial<HttpRequest>))).toBe('invalid_request');
  });

  it('rejects repeated and nested form fields', () => {
    const form = (body: string) => request({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from(body) });
    expect(codeOf(form('code=a&code=b'))).toBe('invalid_request');
    expect(codeOf(form('code[x]=a'))).toBe('invalid_request');
    // Nested beside a good code too, under any name.
    expect(codeOf(form(`code=${CODE}&redirectUri[x]=postmessage`))).toBe('invalid_request');
    expect(codeOf(form(`code=${CODE}&other[]=1`))).toBe('invalid_request');
    expect(readExchangeRequest(form(`code=${CODE}&other=1`), ALLOWED).code).toBe(CODE);
  });

  it('ignores __proto__ keys instead of polluting prototypes', () => {
    const req = request({ rawBody: Buffer.from(`{"__proto__": {"polluted": true}, "code": "${CODE}"}`) });
    expect(readExchangeRequest(req, ALLOWED).code).toBe(CODE);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    // A code only "inherited" through __proto__ is no code: the fields object has no prototype.
    expect(codeOf(request({ rawBody: Buffer.from(`{"__proto__": {"code": "${CODE}"}}`) }))).toBe('invalid_request');
  });
});
