import { failsModel } from './checks';
import type { CapacityReport } from './model';

/**
 * 1 when any size exceeds a hard limit with the recommended settings (or, with `checkDeployed`,
 * when the deployed index layout does); raisable quotas and billing thresholds never fail it.
 */
export function exitCodeOf(reports: readonly CapacityReport[], checkDeployed: boolean): number {
  const failed = reports.some((report) => report.failures.length > 0 || (checkDeployed && failsModel(report.deployedIndexCheck)));
  return failed ? 1 : 0;
}
