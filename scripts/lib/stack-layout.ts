import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where each part of the local stack listens. firebase.json is the one source of truth for the
 * emulator ports (so `firebase emulators:start` users get the same layout); the functions take
 * consecutive ports from its `functions` port, and the sandbox Google sits 100 above that.
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

export function readStackLayout(firebaseJsonPath = join(REPO_ROOT, 'firebase.json')): StackLayout {
  const emulators = (JSON.parse(readFileSync(firebaseJsonPath, 'utf8')) as { emulators?: Record<string, EmulatorEntry> }).emulators ?? {};
  const port = (name: string): number => {
    const value = emulators[name]?.port;
    if (typeof value !== 'number') throw new Error(`firebase.json has no emulators.${name}.port`);
    return value;
  };
  const functionsBasePort = port('functions');
  return {
    host: '127.0.0.1',
    firestorePort: port('firestore'),
    pubsubPort: port('pubsub'),
    functionsBasePort,
    sandboxGooglePort: functionsBasePort + 100,
  };
}

/** Every deployed function, in a fixed order: each gets functionsBasePort + its index. */
export const LOCAL_FUNCTIONS = ['exchangeAuthCode', 'dispatchOfflineWork', 'runOfflineWork', 'disconnect', 'offlineStatus', 'riscReceiver', 'rewrapTokens'] as const;
export type LocalFunction = (typeof LOCAL_FUNCTIONS)[number];

export function functionPort(layout: StackLayout, name: LocalFunction): number {
  return layout.functionsBasePort + LOCAL_FUNCTIONS.indexOf(name);
}

export function functionUrl(layout: StackLayout, name: LocalFunction): string {
  return `http://${layout.host}:${functionPort(layout, name)}/`;
}
