import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error';

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

/**
 * Reads a local secret file now, synchronously, so a bad file stops start-up instead of the first
 * request: `parse` turns its text into the secret, or undefined when it is not one (`expected`
 * says what it should hold). Errors name the variable and the path, never the file's content.
 */
export function readSecretFile<T>(path: string, variable: string, parse: (text: string) => T | undefined, expected: string): T {
  const fail = (problem: string): never => {
    throw new ConfigError([{ variable, problem }]);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `points to ${path}, which does not exist` : `points to ${path}, which cannot be read (${code ?? 'error'})`);
  }
  return parse(text) ?? fail(`points to ${path}, which does not hold ${expected}`);
}
