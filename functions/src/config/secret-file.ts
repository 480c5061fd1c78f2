import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a local secret file (mode 0600, parent folders 0700) unless one exists: an existing
 * secret may already protect stored data or be trusted by someone, so it is never replaced.
 */
export function writeSecretFileOnce(path: string, content: string): 'created' | 'exists' {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, content, { flag: 'wx', mode: 0o600 });
    return 'created';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  }
}
