import { httpStatusFor } from '../../../functions/src/errors/http-status';
import { describeRunFailure } from '../../../functions/src/offline/work/run-failure';
import { isUnreadableToken, keyFailure, keyFailureCode } from '../../../functions/src/tokens/key-failure';
import { VaultError } from '../../../functions/src/tokens/vault-error';

const misconfigured = new VaultError('invalid_key', 'projects/p/secrets/s/versions/3 is not a 32-byte key.');
const unreachable = new VaultError('key_unavailable', 'Secret Manager did not answer (UNAVAILABLE).', { transient: true });
const disabled = new VaultError('key_unavailable', 'Secret Manager did not return versions/1 (FAILED_PRECONDITION).', { gone: true });
const refused = new VaultError('key_unavailable', 'Secret Manager did not return versions/1 (PERMISSION_DENIED).');
const tampered = new VaultError('decrypt_failed', 'The stored token could not be decrypted.');

/** The one mapping of key failures that the exchange, disconnect, rewrapTokens (HTTP) and the worker (lastError) share. */
describe('key failures', () => {
  it('a key that is not 32 bytes is key_misconfigured: 500, no Retry-After, the operator already alerted', () => {
    const error = keyFailure(misconfigured);
    expect([error.code, httpStatusFor(error.code), error.retryAfterSeconds, error.operatorAlerted]).toEqual(['key_misconfigured', 500, undefined, true]);
    expect(error.message).not.toContain('versions/3');
    expect(keyFailureCode(misconfigured)).toBe('key_misconfigured');
    expect(describeRunFailure(misconfigured).code).toBe('key_misconfigured');
  });

  it.each([
    ['Secret Manager unreachable', unreachable],
    ['a version that cannot be read', disabled],
    ['an error that is not a vault error', new TypeError('boom')],
  ])('%s is key_unavailable: 503 with Retry-After', (_label, cause) => {
    const error = keyFailure(cause, 'Call again later.');
    expect([error.code, httpStatusFor(error.code), error.retryAfterSeconds, error.operatorAlerted]).toEqual(['key_unavailable', 503, 5, false]);
    expect(error.message).toBe('The token key is not available. Call again later.');
  });

  it('the worker records the same codes', () => {
    expect(describeRunFailure(unreachable).code).toBe('key_unavailable');
    expect(describeRunFailure(tampered).code).toBe('token_unreadable');
  });

  it('only a token that can never be opened is unreadable; a key problem stops the caller instead', () => {
    expect([tampered, disabled].map(isUnreadableToken)).toEqual([true, true]);
    // Refused (IAM) fails every token alike: the key's problem, not this token's.
    expect([misconfigured, unreachable, refused, new Error('x')].map(isUnreadableToken)).toEqual([false, false, false, false]);
  });
});
