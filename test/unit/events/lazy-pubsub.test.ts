import { modulesLoadedByEntry } from '../../support/entry-modules';

const PUBSUB = /node_modules\/@google-cloud\/pubsub\//;

/** Events are on by default, but the functions that emit them only on a change load Pub/Sub on their first publish, not at start. */
describe('the Pub/Sub client stays off the cold path', () => {
  it.each(['exchange-auth-code', 'disconnect', 'risc-receiver'])('%s does not load it at start', (entry) => {
    expect(modulesLoadedByEntry(entry, PUBSUB)).toBe(0);
  });

  it('the dispatcher, which publishes on every tick, loads it (the check can see it)', () => {
    expect(modulesLoadedByEntry('dispatch-offline-work', PUBSUB)).toBeGreaterThan(0);
  });
});
