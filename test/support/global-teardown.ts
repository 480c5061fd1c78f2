import type { ManagedProcess } from '../../scripts/lib/processes';

export default async function globalTeardown(): Promise<void> {
  const emulators = (globalThis as { __EMULATORS__?: ManagedProcess[] }).__EMULATORS__ ?? [];
  await Promise.all(emulators.map((emulator) => emulator.stop()));
}
