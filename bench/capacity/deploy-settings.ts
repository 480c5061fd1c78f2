import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/stack-layout';

/**
 * A function's size as infra/deploy.sh deploys it, read from the rows of
 * infra/lib/functions-table.sh: the model checks the deploy itself, not a copy of its numbers.
 */
export interface FunctionSize {
  name: string;
  memoryGiB: number;
  vcpu: number;
  timeoutSeconds: number;
  /** Cloud Run requests per instance. */
  concurrency: number;
  maxInstances: number;
  /** The infra/config.env setting that overrides maxInstances, when the row names one. */
  maxInstancesSetting: string | undefined;
}

export const FUNCTIONS_TABLE_FILE = join(REPO_ROOT, 'infra', 'lib', 'functions-table.sh');

export function functionSizes(file = FUNCTIONS_TABLE_FILE): Map<string, FunctionSize> {
  const table = /FUNCTION_TABLE='([^']*)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (table === undefined) throw new Error(`${file}: no FUNCTION_TABLE`);
  const sizes = new Map<string, FunctionSize>();
  for (const line of table.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 9 || columns[0]!.startsWith('#')) continue;
    const [name, , , memory, cpu, timeout, concurrency, maxInstances] = columns as [string, string, string, string, string, string, string, string];
    const [setting, fallback] = maxInstances.includes(':') ? maxInstances.split(':') : [undefined, maxInstances];
    sizes.set(name, {
      name,
      memoryGiB: memory.endsWith('Gi') ? Number(memory.slice(0, -2)) : Number(memory.slice(0, -2)) / 1024,
      vcpu: Number(cpu),
      timeoutSeconds: Number(timeout.replace(/s$/, '')),
      concurrency: Number(concurrency),
      maxInstances: Number(fallback),
      maxInstancesSetting: setting,
    });
  }
  return sizes;
}

export function functionSize(sizes: ReadonlyMap<string, FunctionSize>, name: string): FunctionSize {
  const size = sizes.get(name);
  if (!size) throw new Error(`infra/lib/functions-table.sh has no row for ${name}`);
  return size;
}
