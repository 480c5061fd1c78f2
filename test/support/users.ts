import { type Firestore, Timestamp } from '@google-cloud/firestore';

/** Writes minimal user documents as the exchange would leave them (tokens omitted unless given). */
export async function seedUsers(
  db: Firestore,
  count: number,
  make: (index: number) => Record<string, unknown> = () => ({}),
  collection = 'users',
  prefix = 'user',
): Promise<string[]> {
  const writer = db.bulkWriter();
  const ids: string[] = [];
  const past = Timestamp.fromMillis(Date.now() - 60_000);
  for (let i = 0; i < count; i += 1) {
    const id = `${prefix}-${String(i).padStart(6, '0')}`;
    ids.push(id);
    void writer.set(db.collection(collection).doc(id), {
      userId: id,
      email: `${id}@example.com`,
      status: 'active',
      scopes: ['openid'],
      nextRunAt: past,
      ...make(i),
    });
  }
  await writer.close();
  return ids;
}
