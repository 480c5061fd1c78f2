import { PubSub } from '@google-cloud/pubsub';
import type { BenchContext } from '../lib/bench-context';
import { atLeast, atMost, type Goal, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';
import { type DispatchRunResult, type DispatchRunSpec, runDispatchConfiguration } from './dispatcher/dispatch-run';
import { measureEmulatorPushConcurrency } from './dispatcher/emulator-limits';

/**
 * The sharded dispatcher as deployed (functions-framework processes serving functions/lib, the
 * dispatch topic fanning shard runs out as separate requests, the work topic read back through a
 * pull subscription) over 100,000 due users (10,000 with --quick) written straight into the
 * Firestore emulator. Configurations, each on a fresh population:
 * - throughput with DUE_SHARDS 1, 4 and 16 at the default DISPATCH_SHARD_RATE: users/s from the
 *   tick to the last user's first publication, Firestore ops per user, the claim rate each shard
 *   held, oldest due first;
 * - the limiter alone: 4 shards at a rate the emulator easily sustains, to show the held rate is
 *   the setting (at 100,000 users the emulator's query scans, not the limiter, bound a shard);
 * - chaos: 16 shards, two dispatcher processes, three racing ticks, a shard message delivered
 *   twice, one process SIGKILLed while it claims, and a tick whenever the shard runs have ended
 *   until every user is published (the killed process's claims come back after LEASE_SECONDS).
 * In every configuration each user must be published at least once and none may be left due; in
 * the throughput runs each is published once and its record holds that claim; in the chaos run
 * each runs exactly once by the worker's own lease mechanism. Violations fail the suite.
 */
export interface DispatcherSuiteResult {
  users: number;
  emulator: {
    /** Seeding each population: BulkWriter with throttling off, nothing else running. */
    writesPerS: { min: number; max: number };
    /** The due query for one page, timed alone on each population. */
    dueQueryMs: { min: number; max: number };
    /** Requests the Pub/Sub emulator's own push keeps in flight per subscription. */
    pushConcurrency: number;
  };
  configurations: ConfigurationSummary[];
  violations: string[];
  wallSeconds: number;
}

export type ConfigurationSummary = Omit<DispatchRunResult, 'shardRuns' | 'perShard'> & {
  shardRunCount: number;
  perShard: { shard: number; users: number; steadyClaimsPerS: number | undefined; maxDisplacement: number }[];
};

const DEFAULT_SHARD_RATE = 400;
/** The limiter configuration: 4 shards x 100 claims/s = 400/s in all, well under what the emulator claims at 10,000 users. */
const LIMITER = { shards: 4, shardRate: 100 };
/**
 * LEASE_SECONDS of the throughput runs: longer than the dispatch and the stand-in worker take, so no
 * claim expires and the figures count each user once.
 */
const THROUGHPUT_LEASE_SECONDS = 3600;
/**
 * LEASE_SECONDS of the chaos run: longer than the rest of the dispatch takes on the emulator (it
 * holds 200-400 claims/s in all at 100,000 users, whatever the shards) plus the stand-in worker's
 * backlog, so the only claims that expire are the killed process's, and the users published after
 * it are the ones that process stranded. A shorter one is still correct, but the shard runs then
 * claim their own expired claims again and again until the worker catches up.
 */
function chaosLeaseSeconds(users: number): number {
  return Math.ceil(30 + users / 120);
}

export async function runDispatcherBench(context: BenchContext): Promise<SuiteReport<DispatcherSuiteResult>> {
  const started = performance.now();
  const users = context.quick ? 10_000 : 100_000;
  // Generous: the slowest configuration (one shard, 400 claims/s at most, and the emulator's due
  // query between pages) needs more than users / 400 s on a shared machine.
  const timeoutMs = Math.max(120_000, Math.ceil(users / 60) * 1000);
  const specs: Omit<DispatchRunSpec, 'random' | 'log' | 'timeoutMs'>[] = [
    ...[1, 4, 16].map((shards) => ({ label: `shards-${shards}`, mode: 'throughput' as const, users, shards, shardRate: DEFAULT_SHARD_RATE, leaseSeconds: THROUGHPUT_LEASE_SECONDS })),
    { label: 'limiter', mode: 'throughput' as const, users: context.quick ? 4_000 : 10_000, ...LIMITER, leaseSeconds: THROUGHPUT_LEASE_SECONDS },
    // Last: its 48 concurrent shard runs ask the emulator for the most (see bench/README.md).
    { label: 'chaos', mode: 'chaos' as const, users, shards: 16, shardRate: DEFAULT_SHARD_RATE, leaseSeconds: chaosLeaseSeconds(users) },
  ];

  const unknown = (context.configs ?? []).filter((label) => !specs.some((spec) => spec.label === label));
  if (unknown.length > 0) throw new Error(`unknown dispatcher configuration(s): ${unknown.join(', ')} (known: ${specs.map((s) => s.label).join(', ')})`);
  const chosen = context.configs ? specs.filter((spec) => context.configs!.includes(spec.label)) : specs;

  const probe = new PubSub({ projectId: `bench-push-probe-${Date.now()}` });
  const pushConcurrency = await measureEmulatorPushConcurrency(probe).finally(() => probe.close());
  context.log(`the Pub/Sub emulator's push keeps ${pushConcurrency} requests in flight per subscription`);

  const results: DispatchRunResult[] = [];
  for (const spec of chosen) {
    context.log(`${spec.label}: ${spec.users} users, ${spec.shards} shards at ${spec.shardRate} claims/s`);
    const result = await runDispatchConfiguration(context.sandbox, {
      ...spec,
      label: `${spec.label}-${Date.now()}`,
      timeoutMs,
      random: Math.random,
      log: (line) => context.log(`${spec.label}: ${line}`),
    });
    results.push({ ...result, label: spec.label });
    // Each configuration's figures as soon as it ends, so a run stopped later still has them.
    const { heldRate, invariants, kill } = result;
    context.log(
      `${spec.label}: ${round(result.usersPerS)} users/s (${round(result.seconds)} s, ${result.ticks} ticks); held claims/s logged ${heldRate.logged.median}, steady ${round(heldRate.steady.median)} ` +
        `(setting ${heldRate.setting}); ${JSON.stringify(invariants)}; republished ${result.republished}; runs ${JSON.stringify(result.runs)}` +
        `${kill ? `; kill ${JSON.stringify(kill)}; push ${JSON.stringify(result.push)}` : ''}; wall ${round(result.wallSeconds)} s; ` +
        `${result.violations.length === 0 ? 'every invariant held' : `VIOLATIONS: ${result.violations.join('; ')}`}`,
    );
  }

  const configurations = results.map(summarise);
  const violations = results.flatMap((r) => r.violations.map((v) => `${r.label}: ${v}`));
  const result: DispatcherSuiteResult = {
    users,
    emulator: {
      writesPerS: { min: round(Math.min(...results.map((r) => r.seed.emulatorWritesPerS))), max: round(Math.max(...results.map((r) => r.seed.emulatorWritesPerS))) },
      dueQueryMs: { min: round(Math.min(...results.map((r) => r.dueQueryMs))), max: round(Math.max(...results.map((r) => r.dueQueryMs))) },
      pushConcurrency,
    },
    configurations,
    violations,
    wallSeconds: round((performance.now() - started) / 1000),
  };
  return { suite: 'dispatcher', result, goals: goals(results), violations, markdown: render(result) };
}

function summarise(r: DispatchRunResult): ConfigurationSummary {
  const { shardRuns, perShard, ...rest } = r;
  return {
    ...rest,
    seconds: round(r.seconds),
    usersPerS: round(r.usersPerS),
    dueQueryMs: round(r.dueQueryMs),
    wallSeconds: round(r.wallSeconds),
    seed: { seconds: round(r.seed.seconds), emulatorWritesPerS: round(r.seed.emulatorWritesPerS) },
    firestore: { ...r.firestore, readsPerUser: round(r.firestore.readsPerUser), writesPerUser: round(r.firestore.writesPerUser) },
    heldRate: {
      setting: r.heldRate.setting,
      logged: r.heldRate.logged,
      steady: { min: round(r.heldRate.steady.min), median: round(r.heldRate.steady.median), max: round(r.heldRate.steady.max) },
    },
    shardRunCount: shardRuns.length,
    perShard: perShard.map((s) => ({ ...s, steadyClaimsPerS: s.steadyClaimsPerS === undefined ? undefined : round(s.steadyClaimsPerS) })),
  };
}

function goals(results: DispatchRunResult[]): Goal[] {
  const out = results.map((r) => atMost(`dispatcher ${r.label}: invariant violations (published, ${r.mode === 'chaos' ? 'ran once' : 'claimed once'}, left due)`, r.violations.length, 0));
  const chaos = results.find((r) => r.mode === 'chaos');
  if (chaos?.kill) {
    // Coverage, not an invariant: the kill may land while the victim's runs wait on a query, with no claim unpublished.
    out.push(atLeast('dispatcher chaos: users the killed process claimed but never published, published after LEASE_SECONDS', chaos.kill.recoveredAfterLease, 1));
  }
  const limiter = results.find((r) => r.label === 'limiter');
  if (limiter) {
    // After each shard's first page, which also gets the bucket's first second of tokens at once.
    const held = limiter.heldRate.steady;
    out.push(atMost(`dispatcher limiter: fastest shard's held claim rate / DISPATCH_SHARD_RATE ${limiter.shardRate}`, round(held.max / limiter.shardRate, 3), 1.02));
    out.push(atLeast(`dispatcher limiter: slowest shard's held claim rate / DISPATCH_SHARD_RATE ${limiter.shardRate}`, round(held.min / limiter.shardRate, 3), 0.9));
  }
  return out;
}

function render(result: DispatcherSuiteResult): string {
  const rows = result.configurations.map((c) => [
    c.label,
    c.users,
    c.shards,
    c.processes,
    c.shardRate,
    c.mode === 'chaos' ? '-' : c.seconds,
    c.mode === 'chaos' ? '-' : c.usersPerS,
    `${c.heldRate.logged.min} / ${c.heldRate.logged.median} / ${c.heldRate.logged.max}`,
    `${c.heldRate.steady.min} / ${c.heldRate.steady.median} / ${c.heldRate.steady.max}`,
    `${c.firestore.readsPerUser} + ${c.firestore.writesPerUser}`,
    c.mode === 'chaos' ? '-' : `${c.maxDisplacement} (page ${c.pageSize})`,
    `${c.invariants.neverPublished} / ${c.mode === 'chaos' ? c.invariants.notRunOnce : c.invariants.notClaimed} / ${c.invariants.leftDue}`,
    c.violations.length === 0 ? 'held' : `**${c.violations.length} broken**`,
  ]);
  const chaos = result.configurations.find((c) => c.mode === 'chaos');
  const notes = [
    `Emulator alone: ${result.emulator.writesPerS.min}-${result.emulator.writesPerS.max} writes/s (BulkWriter, throttling off); ` +
      `one page of the due query ${result.emulator.dueQueryMs.min}-${result.emulator.dueQueryMs.max} ms (it scans the whole collection); ` +
      `its own push keeps ${result.emulator.pushConcurrency} requests in flight per subscription, so shard messages are relayed with production's parallelism.`,
    ...(chaos?.kill
      ? [
          `Chaos: SIGKILL at ${round(chaos.kill.atS)} s with ${chaos.kill.inFlightOnKilled} shard runs in flight on that process; ${chaos.push.redeliveries} shard messages delivered again; ` +
            `from ${round(chaos.kill.followUpAtS)} s (LEASE_SECONDS ${chaos.leaseSeconds} after the kill) the ticks published ${chaos.kill.recoveredAfterLease} users claimed but never published; ${chaos.ticks} ticks in all; ` +
            `${chaos.republished} users published more than once, of which the worker's mechanism refused ${chaos.runs.skipped.stale_dispatch ?? 0} stale and ${chaos.runs.skipped.lost_race ?? 0} lost races; ${chaos.runs.ran} runs.`,
        ]
      : []),
    ...result.violations.map((v) => `- **violation** ${v}`),
  ];
  return [
    `### Dispatcher (${result.users} due users per configuration, ${result.wallSeconds} s)`,
    markdownTable(
      [
        'configuration',
        'users',
        'shards',
        'processes',
        'DISPATCH_SHARD_RATE',
        'tick to last published, s',
        'users/s',
        'held claims/s per shard run, logged (min / median / max)',
        'held claims/s per shard after its first page, from publish times (min / median / max)',
        'Firestore reads + writes per user',
        'oldest first: max displacement',
        'never published / not run exactly once (chaos) or not holding its published claim / left due',
        'invariants',
      ],
      rows,
    ),
    ...notes,
  ].join('\n\n');
}
