import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Where each part of the local stack listens. firebase.json is the one source of truth for the
 * emulator ports (so `firebase emulators:start` users get the same layout); the functions take
 * consecutive ports from its `functions` port, and the sandbox Google sits 100 above that.
 * LOCAL_PORT_OFFSET moves every port up by the same amount (a second stack beside the first).
 */
export interface StackLayout {
  host: string;
  firestorePort: number;
  pubsubPort: number;
  functionsBasePort: number;
  sandboxGooglePort: number;
}

interface EmulatorEntry {
  host?: string;
  port?: number;
}

export const REPO_ROOT = join(__dirname, '..', '..');

/** Every deployed function, in a fixed order: each gets functionsBasePort + its index. */
export const LOCAL_FUNCTIONS = [
  'exchangeAuthCode',
  'dispatchOfflineWork',
  'runOfflineWork',
  'disconnect',
  'offlineStatus',
  'riscReceiver',
  'rewrapTokens',
  'backfillShards',
  'deliverUserEvents',
  'createPhotoPickerSession',
] as const;
export type LocalFunction = (typeof LOCAL_FUNCTIONS)[number];

const SANDBOX_ABOVE_FUNCTIONS = 100;
const HIGHEST_PORT = 65_535;

export function readStackLayout(firebaseJsonPath = join(REPO_ROOT, 'firebase.json'), env: NodeJS.ProcessEnv = process.env): StackLayout {
  const emulators = (JSON.parse(readFileSync(firebaseJsonPath, 'utf8')) as { emulators?: Record<string, EmulatorEntry> }).emulators ?? {};
  const port = (name: string): number => {
    const value = emulators[name]?.port;
    if (typeof value !== 'number') throw new Error(`firebase.json has no emulators.${name}.port`);
    return value;
  };
  const firestorePort = port('firestore');
  const pubsubPort = port('pubsub');
  const functionsBasePort = port('functions');
  const highest = Math.max(firestorePort, pubsubPort, functionsBasePort + SANDBOX_ABOVE_FUNCTIONS, functionsBasePort + LOCAL_FUNCTIONS.length - 1);
  const offset = portOffset(env.LOCAL_PORT_OFFSET, HIGHEST_PORT - highest);
  return {
    host: '127.0.0.1',
    firestorePort: firestorePort + offset,
    pubsubPort: pubsubPort + offset,
    functionsBasePort: functionsBasePort + offset,
    sandboxGooglePort: functionsBasePort + SANDBOX_ABOVE_FUNCTIONS + offset,
  };
}

function portOffset(value: string | undefined, max: number): number {
  const parsed = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().max(max)).optional().safeParse(value);
  if (!parsed.success) throw new Error(`LOCAL_PORT_OFFSET must be a whole number from 0 to ${max} (it moves every port of the stack up), got "${value}"`);
  return parsed.data ?? 0;
}

export function functionPort(layout: StackLayout, name: LocalFunction): number {
  return layout.functionsBasePort + LOCAL_FUNCTIONS.indexOf(name);
}

export function functionUrl(layout: StackLayout, name: LocalFunction): string {
  return `http://${layout.host}:${functionPort(layout, name)}/`;
}

/** Every port the stack listens on. */
export function stackPorts(layout: StackLayout): number[] {
  return [layout.firestorePort, layout.pubsubPort, layout.sandboxGooglePort, ...LOCAL_FUNCTIONS.map((name) => functionPort(layout, name))];
}
