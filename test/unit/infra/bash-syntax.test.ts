import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const INFRA = join(__dirname, '../../../infra');

function shellFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return shellFiles(path);
    return entry.name.endsWith('.sh') ? [path] : [];
  });
}

describe('infra shell scripts', () => {
  const files = shellFiles(INFRA);

  it('include the three entry points and their libraries', () => {
    const names = files.map((f) => relative(INFRA, f));
    expect(names).toEqual(expect.arrayContaining(['deploy.sh', 'teardown.sh', 'rotate-key.sh', 'lib/common.sh', 'lib/steps/functions.sh']));
  });

  it.each(shellFiles(INFRA).map((f) => [relative(INFRA, f), f]))('%s parses (bash -n)', (_name, file) => {
    expect(() => execFileSync('bash', ['--norc', '-n', file], { stdio: 'pipe' })).not.toThrow();
  });
});
