import { z } from 'zod';
import { type Env, parseEnv, requiredString } from './env-schema';

export interface FirestoreConfig {
  projectId: string;
  usersCollection: string;
}

export const shape = {
  GOOGLE_CLOUD_PROJECT: requiredString(),
  USERS_COLLECTION: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a plain collection id (letters, digits, _ or -)')
    .default('users'),
};

export function loadFirestoreConfig(env: Env = process.env): FirestoreConfig {
  const vars = parseEnv(shape, env);
  return { projectId: vars.GOOGLE_CLOUD_PROJECT, usersCollection: vars.USERS_COLLECTION };
}
