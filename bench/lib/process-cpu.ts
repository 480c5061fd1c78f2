import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a live process has used so far, from /proc (Linux); undefined elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    if (!fields) return undefined;
    // utime and stime are fields 14 and 15 of stat(5), counted from the state field here.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU seconds this process has used so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU seconds the whole machine has spent busy (every process, not idle or waiting on I/O), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
    if (!fields || fields.length < 5) return undefined;
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return (fields.reduce((sum, value) => sum + value, 0) - idle) / 100;
  } catch {
    return undefined;
  }
}
