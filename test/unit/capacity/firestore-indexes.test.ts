import { knownFields, recommendedLayout, singleFieldEntries, withoutExemptions, writeIndexEffect, type IndexLayout } from '../../../bench/capacity/firestore-indexes';
import { syntheticFigures } from './synthetic-figures';

const figures = syntheticFigures();
const known = knownFields(figures.writeShapes, figures.document);
const automatic: IndexLayout = withoutExemptions({ name: 'deployed', composites: [['status', 'nextRunAt']], overrides: new Map() });
const effect = (layout: IndexLayout, kind: keyof typeof figures.writeShapes) => writeIndexEffect(layout, figures.writeShapes[kind], figures.document, known);

describe('single-field index entries', () => {
  it("follow Firestore's automatic indexing: ascending and descending, plus array-contains per element", () => {
    expect(singleFieldEntries(automatic, 'nextRunAt', 'timestamp')).toBe(2);
    expect(singleFieldEntries(automatic, 'dispatch', 'map')).toBe(2);
    expect(singleFieldEntries(automatic, 'refreshTokenIds', 'array:2')).toBe(4);
  });

  it('follow the nearest exemption: a map exempts its subfields, `*` every field, a field may opt back in', () => {
    const layout: IndexLayout = { name: 'x', composites: [], overrides: new Map([['*', []], ['lease', ['ASCENDING']], ['refreshTokenIds', ['CONTAINS']]]) };
    expect(singleFieldEntries(layout, 'nextRunAt', 'timestamp')).toBe(0);
    expect(singleFieldEntries(layout, 'lease.expiresAt', 'timestamp')).toBe(1);
    expect(singleFieldEntries(layout, 'refreshTokenIds', 'array:2')).toBe(2);
  });
});

describe('what a write moves', () => {
  it('without exemptions: a claim replaces nextRunAt, adds the dispatch map and moves the composite entry', () => {
    // dispatch, dispatch.id, dispatch.at: 2 each, added; nextRunAt: 2, removed and added; composite: removed and added.
    expect(effect(automatic, 'dispatcherClaim').entries).toBe(3 * 2 + 2 * 2 + 2);
    expect(effect(automatic, 'dispatcherClaim').sequential).toEqual([
      { id: 'dispatch.at', sharded: false },
      { id: 'nextRunAt', sharded: false },
      { id: 'composite (status, nextRunAt)', sharded: false },
    ]);
  });

  it('a finish removes what the claim and the lease added (their fields come from those writes)', () => {
    // lastRunAt, nextRunAt replaced (4 each); lease, lease.owner, lease.expiresAt, dispatch, dispatch.id, dispatch.at removed (2 each); composite 2.
    expect(effect(automatic, 'workerFinish').entries).toBe(2 * 4 + 6 * 2 + 2);
    expect(effect(automatic, 'workerFinish').sequential.map((index) => index.id)).toEqual(
      expect.arrayContaining(['lastRunAt', 'nextRunAt', 'lease.expiresAt', 'dispatch.at', 'composite (status, nextRunAt)']),
    );
  });

  it('with the recommended layout only the sharded due index moves, and a rotation only the array-contains entries', () => {
    const layout = recommendedLayout();
    expect(effect(layout, 'dispatcherClaim')).toEqual({ entries: 2, sequential: [{ id: 'composite (status, shard, nextRunAt)', sharded: true }] });
    expect(effect(layout, 'workerFinish').entries).toBe(2);
    expect(effect(layout, 'tokenRotation')).toEqual({ entries: 2 * 2, sequential: [] });
    // A new user: one composite entry, two array-contains entries, nothing else.
    expect(effect(layout, 'exchange').entries).toBe(1 + 2);
  });
});
