import { revokedPerKind, type SoakReport } from './run-soak';
import { markdownTable } from '../lib/table';

/** The soak's printed verdict: what it did, then every violation (or that there were none). */
export function renderSoakReport(report: SoakReport): string {
  const { config, stats } = report;
  const summary = markdownTable(
    ['users', 'revoked (fresh access token / at refresh)', 'chaos s', 'SIGKILLs', 'push deliveries', 'redeliveries', 'messages finished twice', 'runs done', 'runs failed (retried)', 'skipped (stale dispatch or lease held)', 'faults injected', 'token refreshes', 'settled after s'],
    [
      [
        config.users,
        `${revokedPerKind(config)} / ${revokedPerKind(config)}`,
        config.chaosSeconds,
        stats.kills,
        stats.deliveries,
        stats.deliveries - stats.distinctMessages,
        stats.finishedTwice,
        stats.outcomes.done,
        stats.outcomes.failed,
        stats.outcomes.skipped,
        stats.faultsInjected,
        stats.tokenRefreshes,
        stats.settledAfterSeconds ?? `not within ${config.settleSeconds}`,
      ],
    ],
  );
  const checks = [
    'every active user\'s photos each have exactly one enhanced result',
    'every active user is still active; every revoked user (fresh access token or not) is reauth_required with no token left and no work done',
    'no lease held beyond its expiry',
    `no plaintext token in any of ${stats.documentsScanned} Firestore documents`,
    `no token in any of ${stats.logLines} log lines`,
  ];
  const verdict =
    report.violations.length === 0
      ? `All checks passed:\n${checks.map((c) => `- ${c}`).join('\n')}`
      : `**${report.violations.length} violation(s):**\n${report.violations.slice(0, 50).map((v) => `- [${v.check}] ${v.detail}`).join('\n')}`;
  return [`## ${config.name}: ${stats.seconds} s`, summary, verdict].join('\n\n');
}
