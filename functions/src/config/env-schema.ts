import { z } from 'zod';
import { ConfigError } from './config-error';

/**
 * Small zod building blocks for environment variables, plus the one function that turns a
 * zod failure into a ConfigError naming the variables. Values that are set but empty count as
 * missing: an empty secret or URL is never what an operator meant.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const requiredString = () => z.preprocess(blankToUndefined, z.string({ error: 'is required' }));

export const optionalString = () => z.preprocess(blankToUndefined, z.string().optional());

export const url = (fallback: string) =>
  z.preprocess(blankToUndefined, z.url({ error: 'must be an http(s) URL' }).default(fallback));

export const positiveInt = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').default(fallback),
  );

export const nonNegativeInt = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').default(fallback),
  );

/** A whole number in [min, max], or undefined when unset. */
export const optionalInt = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).optional(),
  );

export const bool = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  );

/** Comma- or space-separated list, trimmed, empties dropped. */
export const list = (separator: RegExp, fallback: readonly string[] = []) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((v) => (v === undefined ? [...fallback] : v.split(separator).map((s) => s.trim()).filter(Boolean))),
  );

export function parseEnv<Shape extends z.ZodRawShape>(shape: Shape, env: Env): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? 'configuration'),
      problem: issue.message,
    })),
  );
}
