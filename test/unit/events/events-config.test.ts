import { ConfigError } from '../../../functions/src/config';
import { loadUserEventsConfig, loadWebhookConfig } from '../../../functions/src/events/events-config';

describe('USER_EVENTS_TOPIC', () => {
  const project = { GOOGLE_CLOUD_PROJECT: 'p-1' };

  it('defaults to offline-access-user-events', () => {
    expect(loadUserEventsConfig(project)).toEqual({ projectId: 'p-1', topic: 'offline-access-user-events' });
  });

  it.each(['', '  '])('set to an empty string (%j), events are off', (value) => {
    expect(loadUserEventsConfig({ ...project, USER_EVENTS_TOPIC: value }).topic).toBeUndefined();
  });

  it('takes another topic id', () => {
    expect(loadUserEventsConfig({ ...project, USER_EVENTS_TOPIC: 'my-events' }).topic).toBe('my-events');
  });

  it.each(['1starts-with-digit', 'ab', 'has space', 'projects/p/topics/t'])('refuses %j, naming the variable', (value) => {
    expect(() => loadUserEventsConfig({ ...project, USER_EVENTS_TOPIC: value })).toThrow(ConfigError);
    expect(() => loadUserEventsConfig({ ...project, USER_EVENTS_TOPIC: value })).toThrow(/USER_EVENTS_TOPIC must be a Pub\/Sub topic id/);
  });
});

describe('the webhook configuration', () => {
  const base = { GOOGLE_CLOUD_PROJECT: 'p-1', USER_EVENTS_WEBHOOK_SECRET_FILE: '/tmp/whsec' };

  it.each(['https://hooks.example.com/offline-access', 'http://127.0.0.1:8999/hook', 'http://[::1]:8999/hook'])('accepts %s', (url) => {
    expect(loadWebhookConfig({ ...base, USER_EVENTS_WEBHOOK_URL: url })).toMatchObject({
      url,
      secret: { kind: 'file', path: '/tmp/whsec' },
      deadLetterTopic: 'offline-access-user-events-dead-letter',
    });
  });

  it.each([
    ['plain http to another host', 'http://hooks.example.com/hook', /https:\/\//],
    ['http to localhost by name', 'http://localhost:8999/hook', /https:\/\//],
    ['credentials in the URL', 'https://user:pass@hooks.example.com/', /user name or password/],
    ['a fragment', 'https://hooks.example.com/#x', /fragment/],
    ['not a URL', 'hooks.example.com', /absolute URL/],
    ['another scheme', 'ftp://hooks.example.com/', /https:\/\//],
  ])('refuses %s, naming USER_EVENTS_WEBHOOK_URL', (_what, url, problem) => {
    const load = () => loadWebhookConfig({ ...base, USER_EVENTS_WEBHOOK_URL: url });
    expect(load).toThrow(/USER_EVENTS_WEBHOOK_URL/);
    expect(load).toThrow(problem);
  });

  it('needs the URL', () => {
    expect(() => loadWebhookConfig(base)).toThrow(/USER_EVENTS_WEBHOOK_URL is required/);
  });

  it('needs exactly one secret source', () => {
    const url = { GOOGLE_CLOUD_PROJECT: 'p-1', USER_EVENTS_WEBHOOK_URL: 'https://h.example.com/' };
    expect(() => loadWebhookConfig(url)).toThrow(/USER_EVENTS_WEBHOOK_SECRET or USER_EVENTS_WEBHOOK_SECRET_FILE is required/);
    expect(() => loadWebhookConfig({ ...url, USER_EVENTS_WEBHOOK_SECRET: 'projects/p/secrets/s', USER_EVENTS_WEBHOOK_SECRET_FILE: '/tmp/x' })).toThrow(/both set/);
    expect(loadWebhookConfig({ ...url, USER_EVENTS_WEBHOOK_SECRET: 'projects/p/secrets/s' }).secret).toEqual({ kind: 'secret-manager', secret: 'projects/p/secrets/s', emulatorHost: undefined });
    expect(() => loadWebhookConfig({ ...url, USER_EVENTS_WEBHOOK_SECRET: 'webhook-secret' })).toThrow(/USER_EVENTS_WEBHOOK_SECRET must look like projects/);
  });
});
