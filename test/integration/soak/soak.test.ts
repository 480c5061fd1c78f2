import { runSoak } from '../../../bench/soak/run-soak';
import { SHORT_SOAK } from '../../../bench/soak/soak-config';

/**
 * The one-minute fault-tolerance soak (`npm run soak` runs the five-minute one, 500 users): 60
 * users, the deployed pipeline (exchange, dispatcher, one worker, Pub/Sub push with a 10 s ack
 * deadline, a scheduler tick), sandbox Google answering 10% 5xx and 5% 429 with Retry-After at a
 * random latency, one user's grant revoked, and the worker SIGKILLed and restarted five times.
 * Every invariant of bench/soak/soak-checks.ts must hold once the system has settled.
 */
describe('fault-tolerance soak (short)', () => {
  it('loses no photo, enhances none twice, leaks no token, strands no lease', async () => {
    const progress: string[] = [];
    const report = await runSoak(SHORT_SOAK, (line) => progress.push(line));
    // What the soak saw, for a failure's reader: the open items while it settled, and the report.
    if (report.violations.length > 0 || report.stats.settledAfterSeconds === undefined) console.log([...progress, JSON.stringify(report.stats)].join('\n'));

    expect(report.violations).toEqual([]);
    expect(report.stats.settledAfterSeconds).toBeDefined();
    // The chaos really happened: every kill, plenty of injected faults, redelivery, and work done through it all.
    expect(report.stats.kills).toBe(SHORT_SOAK.kills);
    expect(report.stats.faultsInjected).toBeGreaterThan(20);
    expect(report.stats.deliveries).toBeGreaterThan(report.stats.distinctMessages); // Pub/Sub redelivered
    expect(report.stats.outcomes.done).toBeGreaterThanOrEqual(SHORT_SOAK.users / 2);
  }, 90_000);
});
