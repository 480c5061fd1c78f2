import { readFileSync } from 'node:fs';

/**
 * The peak resident set size of a live process in MiB, as the kernel recorded it (VmHWM), so no
 * sampling can miss a short spike. Linux only; undefined elsewhere or when the process is gone.
 */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
