import { ConfigError } from './config-error';
import { type Env, optionalString, parseEnv, positiveInt } from './env-schema';
import { z } from 'zod';

export type KeySourceConfig =
  | { kind: 'file'; path: string }
  | { kind: 'secret-manager'; secret: string; emulatorHost: string | undefined; cacheTtlSeconds: number };

const SECRET_NAME = /^projects\/[^/]+\/secrets\/[^/]+$/;

export const shape = {
  TOKEN_KEY_SECRET: optionalString().pipe(
    z.string().regex(SECRET_NAME, 'must look like projects/PROJECT/secrets/SECRET').optional(),
  ),
  TOKEN_KEY_FILE: optionalString(),
  TOKEN_KEY_CACHE_SECONDS: positiveInt(300),
  SECRET_MANAGER_EMULATOR_HOST: optionalString().pipe(
    z.string().regex(/^[^:/\s]+:\d+$/, 'must be host:port').optional(),
  ),
};

/** Where the token-encryption key comes from. There is no "no key" option: plaintext is never a fallback. */
export function loadKeySourceConfig(env: Env = process.env): KeySourceConfig {
  const vars = parseEnv(shape, env);
  if (vars.TOKEN_KEY_SECRET !== undefined && vars.TOKEN_KEY_FILE !== undefined) {
    throw new ConfigError([{ variable: 'TOKEN_KEY_SECRET', problem: 'and TOKEN_KEY_FILE are both set; set one' }]);
  }
  if (vars.TOKEN_KEY_SECRET !== undefined) {
    return {
      kind: 'secret-manager',
      secret: vars.TOKEN_KEY_SECRET,
      emulatorHost: vars.SECRET_MANAGER_EMULATOR_HOST,
      cacheTtlSeconds: vars.TOKEN_KEY_CACHE_SECONDS,
    };
  }
  if (vars.TOKEN_KEY_FILE !== undefined) return { kind: 'file', path: vars.TOKEN_KEY_FILE };
  throw new ConfigError([
    { variable: 'TOKEN_KEY_SECRET', problem: 'or TOKEN_KEY_FILE is required (tokens are never stored unencrypted)' },
  ]);
}
