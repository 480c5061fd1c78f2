import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMITTED_FIGURES, loadFigures } from '../../../bench/capacity/figures';
import { syntheticFigures } from './synthetic-figures';

const dir = mkdtempSync(join(tmpdir(), 'capacity-figures-'));
function resultsFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('loadFigures', () => {
  it('falls back to the committed figures when there is no latest.json', () => {
    const loaded = loadFigures(join(dir, 'missing.json'));
    expect(loaded.source).toBe(COMMITTED_FIGURES);
    expect(loaded.figures.runs.photo.firestore.writes.workerFinish).toBeGreaterThan(0);
  });

  it('falls back too when latest.json holds no offline-work figures (another suite ran alone)', () => {
    const latest = resultsFile('other-suite.json', { suites: { dispatcher: { users: 10 } } });
    expect(loadFigures(latest).source).toBe(COMMITTED_FIGURES);
  });

  it("prefers the bench's latest figures", () => {
    const figures = { ...syntheticFigures(), users: 1234 };
    const latest = resultsFile('latest.json', { suites: { offlineWork: { capacity: figures } } });
    expect(loadFigures(latest)).toEqual({ figures, source: latest });
  });

  it('refuses malformed figures instead of silently using others', () => {
    const latest = resultsFile('broken.json', { suites: { offlineWork: { capacity: { ...syntheticFigures(), runs: {} } } } });
    expect(() => loadFigures(latest)).toThrow(/broken\.json: the capacity figures are malformed: runs\.photo/);
  });
});
