import { AppError } from '../../../functions/src/errors/app-error';
import type { GoogleIdentity } from '../../../functions/src/google/verify-id-token';
import type { HttpRequest } from '../../../functions/src/http/types';
import { authenticateUser, MAX_ID_TOKEN_LENGTH } from '../../../functions/src/lifecycle/authenticate';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

/** A verifier that records what it was asked to verify (the real one is tested against the sandbox). */
function recordingVerifier() {
  const seen: string[] = [];
  const verify = async (token: string): Promise<GoogleIdentity> => {
    seen.push(token);
    return { sub: '1', email: undefined, emailVerified: undefined, name: undefined, givenName: undefined, familyName: undefined, picture: undefined, locale: undefined };
  };
  return { seen, verify };
}

const request = (authorization?: string): HttpRequest => ({
  method: 'POST',
  headers: authorization === undefined ? {} : { authorization },
  rawBody: Buffer.alloc(0),
});

async function codeOf(authorization?: string): Promise<string> {
  try {
    await authenticateUser(request(authorization), recordingVerifier().verify);
    return 'accepted';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('authenticateUser', () => {
  it('hands a Bearer JWT to the verifier, whatever the scheme case or spacing', async () => {
    const { seen, verify } = recordingVerifier();
    await authenticateUser(request(`Bearer ${JWT}`), verify);
    await authenticateUser(request(`bearer   ${JWT} `), verify);
    expect(seen).toEqual([JWT, JWT]);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${JWT}`],
    ['Bearer without a token', 'Bearer '],
    ['two tokens', `Bearer ${JWT} ${JWT}`],
  ])('401 unauthenticated for %s', async (_name, header) => {
    expect(await codeOf(header)).toBe('unauthenticated');
  });

  it.each([
    ['not a JWT', 'Bearer abc'],
    ['a JWT with other characters', 'Bearer a.b.c$'],
    ['an oversized token', `Bearer ${'a'.repeat(MAX_ID_TOKEN_LENGTH)}.b.c`],
  ])('401 invalid_id_token for %s, without calling the verifier', async (_name, header) => {
    const { seen, verify } = recordingVerifier();
    await expect(authenticateUser(request(header), verify)).rejects.toMatchObject({ code: 'invalid_id_token' });
    expect(seen).toEqual([]);
  });
});
