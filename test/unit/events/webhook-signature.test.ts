import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateWebhookSecret, parseWebhookSecret, signWebhook } from '../../../functions/src/events/webhook/webhook-signature';

/**
 * Signatures are checked with `standardwebhooks`, the scheme's reference implementation, never
 * with the product's own code: a receiver using any Standard Webhooks library must accept them.
 */
describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ specversion: '1.0', id: 'e-1', type: 'dev.offlineaccess.user.connected.v1', data: { sequence: 1 } });
  const secret = generateWebhookSecret();
  const key = parseWebhookSecret(secret)!;
  const now = () => Math.floor(Date.now() / 1000);

  it('generates whsec_ and the base64 of 32 random bytes, new each time', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('a delivery verifies with the reference implementation, and says which event it is', () => {
    const headers = signWebhook(key, 'e-1', now(), body);
    expect(headers['webhook-id']).toBe('e-1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it.each([
    ['a tampered body', (h: Record<string, string>) => ({ body: body.replace('"sequence":1', '"sequence":2'), headers: h })],
    ['another event id', (h: Record<string, string>) => ({ body, headers: { ...h, 'webhook-id': 'e-2' } })],
    ['an old timestamp', () => ({ body, headers: { ...signWebhook(key, 'e-1', now() - 10 * 60, body) } })],
    ['a wrong secret', () => ({ body, headers: { ...signWebhook(parseWebhookSecret(generateWebhookSecret())!, 'e-1', now(), body) } })],
  ])('the reference implementation refuses %s', (_what, make) => {
    const { body: received, headers } = make({ ...signWebhook(key, 'e-1', now(), body) });
    expect(() => new Webhook(secret).verify(received, headers)).toThrow(WebhookVerificationError);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['too short a key', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['too long a key', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['not base64', 'whsec_not*base64!'],
    ['empty', 'whsec_'],
  ])('parseWebhookSecret refuses %s', (_what, text) => {
    expect(parseWebhookSecret(text)).toBeUndefined();
  });

  it('parseWebhookSecret ignores the newline a secret file or a pipe adds', () => {
    expect(parseWebhookSecret(`${secret}\n`)?.equals(key)).toBe(true);
  });
});
