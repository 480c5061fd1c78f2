import type { SandboxGoogle } from '../../sandbox/src/server';
import { sleep } from '../lib/http-probe';
import type { SoakConfig } from './soak-config';

/**
 * Sandbox Google misbehaving the whole time: 5xx and 429 (both with Retry-After) at fixed rates
 * on the token endpoint and on every Drive call, and a latency drawn afresh every second (the
 * sandbox takes one latency per endpoint, so "random" is per second, shared by calls in flight).
 */
export function startFaults(sandbox: SandboxGoogle, config: SoakConfig, random: () => number): { stop(): void } {
  const { faults } = config;
  const apply = (first: boolean): void => {
    sandbox.admin.setFaults({
      tokenEndpoint: {
        status5xxRate: faults.serverErrorRate,
        rateLimitRate: faults.rateLimitRate,
        retryAfterSeconds: faults.retryAfterSeconds,
        latencyMs: Math.round(random() * faults.maxLatencyMs),
      },
    });
    sandbox.drive.setDefaultFaults({
      latencyMs: Math.round(random() * faults.maxLatencyMs),
      rates: { backendError: faults.serverErrorRate, rateLimitExceeded: faults.rateLimitRate, retryAfterSeconds: faults.retryAfterSeconds },
      ...(first ? { seed: config.seed } : {}),
    });
  };
  apply(true);
  const timer = setInterval(() => apply(false), 1_000);
  return {
    stop: () => {
      clearInterval(timer);
      sandbox.admin.setFaults({});
      sandbox.drive.setDefaultFaults({});
    },
  };
}

/**
 * When, in seconds from the start of the chaos, each SIGKILL lands: one at a random moment in each
 * of `kills` equal slots between 10% and 70% of the chaos, so the last dead worker's leases expire
 * (and its users are taken over) while the faults are still on.
 */
export function killSchedule(config: SoakConfig, random: () => number): number[] {
  const slot = (config.chaosSeconds * 0.6) / config.kills;
  return Array.from({ length: config.kills }, (_, i) => config.chaosSeconds * 0.1 + slot * i + random() * slot * 0.8);
}

export interface Killer {
  killWorker(): void;
  restartWorker(): Promise<void>;
}

/** Kills the worker at each scheduled moment and restarts it after a short, random pause. */
export async function runKills(schedule: readonly number[], killer: Killer, random: () => number, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  let kills = 0;
  for (const at of schedule) {
    await sleep(Math.max(0, started + at * 1000 - Date.now()));
    killer.killWorker();
    kills += 1;
    log(`SIGKILL ${kills} of the worker at ${at.toFixed(1)} s`);
    await sleep(300 + random() * 1_200);
    await killer.restartWorker();
  }
  return kills;
}
