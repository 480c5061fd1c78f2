import { z } from 'zod';
import { type Env, list, parseEnv } from './env-schema';

/** The web origins whose pages may call the functions a browser calls (exchangeAuthCode, offlineStatus, disconnect, createPhotoPickerSession). */
export interface CorsConfig {
  /** Serialised as browsers send `Origin` (`https://web.example.com`, lower case, no default port). Empty: none. */
  allowedOrigins: string[];
}

/** `scheme://host[:port]` exactly, as `new URL(value).origin` gives it back (a trailing slash is forgiven). */
function asOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.origin}/` === url.href ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export const corsShape = {
  ALLOWED_ORIGINS: list(/,/).pipe(
    z.array(z.string()).transform((values, context) =>
      values.map((value) => {
        const origin = asOrigin(value);
        if (origin === undefined) {
          context.addIssue({ code: 'custom', message: 'must list web origins (https://host[:port], no path), comma-separated' });
        }
        return origin ?? value;
      }),
    ),
  ),
};

export function loadCorsConfig(env: Env = process.env): CorsConfig {
  return { allowedOrigins: parseEnv(corsShape, env).ALLOWED_ORIGINS };
}
