import { Tally } from '../../../../functions/src/jobs/photo-enhancement/tally';

describe('Tally', () => {
  it('reports every count, zeros included, under summary names', () => {
    const tally = new Tally();
    tally.add('enhanced');
    tally.add('enhanced');
    tally.add('linked_existing');
    tally.add('pages');
    tally.add('decoder_failed');
    expect(tally.summary()).toEqual({
      enhanced: 2,
      linkedExisting: 1,
      unsupported: 0,
      decoderFailed: 1,
      refused: 0,
      tooLarge: 0,
      gone: 0,
      skipped: 0,
      pagesRead: 1,
    });
  });
});
