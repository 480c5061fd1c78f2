import { ChangeLog } from '../../../sandbox/src/drive/change-log';

describe('change log', () => {
  const everything = () => true;

  it('lists changes after a token, oldest first, and moves a re-changed file to the end', () => {
    const log = new ChangeLog();
    log.record('a', 'appDataFolder', false, 1);
    const token = log.startPageToken();
    log.record('b', 'appDataFolder', false, 2);
    log.record('c', 'appDataFolder', false, 3);
    log.record('b', 'appDataFolder', false, 4);
    expect(log.since(token, everything, 10).map((entry) => [entry.fileId, entry.time])).toEqual([
      ['c', 3],
      ['b', 4],
    ]);
    expect(log.since(log.startPageToken(), everything, 10)).toEqual([]);
  });

  it('filters (by space, removal) before counting the page, and stops at the limit', () => {
    const log = new ChangeLog();
    log.record('drive-file', 'drive', false, 1);
    log.record('x', 'appDataFolder', false, 2);
    log.record('y', 'appDataFolder', true, 3);
    log.record('z', 'appDataFolder', false, 4);
    const appData = log.since(1, (entry) => entry.space === 'appDataFolder', 2);
    expect(appData.map((entry) => entry.fileId)).toEqual(['x', 'y']);
    expect(log.since(1, (entry) => !entry.removed && entry.space === 'appDataFolder', 10).map((entry) => entry.fileId)).toEqual(['x', 'z']);
  });

  it('accepts tokens from 1 up to the next change id only', () => {
    const log = new ChangeLog();
    log.record('a', 'drive', false, 1);
    expect([0, 1, 2, 3, 1.5, Number.NaN].map((token) => log.isValidToken(token))).toEqual([false, true, true, false, false, false]);
  });
});
