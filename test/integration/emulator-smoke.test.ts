import { emulatorFirestore } from '../support/firestore';

describe('Firestore emulator', () => {
  const db = emulatorFirestore('smoke');
  afterAll(() => db.terminate());

  it('round-trips a document through a transaction', async () => {
    const ref = db.collection('smoke').doc('a');
    await db.runTransaction(async (tx) => {
      tx.set(ref, { n: 1 });
    });
    expect((await ref.get()).data()).toEqual({ n: 1 });
  });
});
