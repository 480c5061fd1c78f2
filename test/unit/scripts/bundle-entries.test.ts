import { modulesLoadedByEntry } from '../../support/entry-modules';

const OUR_COMPILED_MODULES = /[\\/]functions[\\/]lib[\\/]/;
const ZOD = /node_modules[\\/]zod[\\/]/;
const FIRESTORE = /node_modules[\\/]@google-cloud[\\/]firestore[\\/]/;

/**
 * `npm run build` bundles each entry (scripts/bundle-entries.ts): a starting instance loads one file
 * of ours, with zod inside it, and every other package from node_modules as before.
 */
describe('the compiled entries are bundles', () => {
  it.each(['exchange-auth-code', 'disconnect', 'dispatch-offline-work', 'run-offline-work'])('%s loads one file of ours and no zod file', (entry) => {
    expect(modulesLoadedByEntry(entry, OUR_COMPILED_MODULES)).toBe(1);
    expect(modulesLoadedByEntry(entry, ZOD)).toBe(0);
  });

  it('packages other than zod are still loaded from node_modules', () => {
    expect(modulesLoadedByEntry('exchange-auth-code', FIRESTORE)).toBeGreaterThan(0);
  });
});
