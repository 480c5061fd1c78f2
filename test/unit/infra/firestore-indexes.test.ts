import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');

interface IndexesFile {
  indexes: { collectionGroup: string; fields: { fieldPath: string; order?: string }[] }[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[]; ttl?: boolean }[];
}

const indexes = JSON.parse(readFileSync(join(ROOT, 'infra', 'firestore.indexes.json'), 'utf8')) as IndexesFile;

/** The top-level fields of a user document, read from the UserRecord interface with the TypeScript parser. */
function userRecordFields(): string[] {
  const path = join(ROOT, 'functions', 'src', 'users', 'user-record.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const record = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'UserRecord');
  if (!record) throw new Error('no UserRecord interface');
  return record.members.filter(ts.isPropertySignature).map((member) => (member.name as ts.Identifier).text);
}

/** Fields a query of the product reads through a single-field index: RISC token-revoked's array-contains. */
const QUERIED_ALONE = ['refreshTokenIds'];

describe('infra/firestore.indexes.json', () => {
  it('holds the due index (status, shard, nextRunAt) and no longer the unsharded (status, nextRunAt)', () => {
    const users = indexes.indexes.filter((index) => index.collectionGroup === 'users').map((index) => index.fields.map((f) => `${f.fieldPath}:${f.order}`));
    expect(users).toEqual([['status:ASCENDING', 'shard:ASCENDING', 'nextRunAt:ASCENDING']]);
  });

  it('exempts every user field no query reads alone from single-field indexing, and only those', () => {
    const exempt = indexes.fieldOverrides.filter((o) => o.collectionGroup === 'users' && o.indexes.length === 0).map((o) => o.fieldPath);
    expect(exempt.sort()).toEqual(userRecordFields().filter((field) => !QUERIED_ALONE.includes(field)).sort());
  });

  it('keeps only the array-contains index of refreshTokenIds, the one Cross-Account Protection queries', () => {
    expect(indexes.fieldOverrides.filter((o) => o.fieldPath === 'refreshTokenIds')).toEqual([
      { collectionGroup: 'users', fieldPath: 'refreshTokenIds', indexes: [{ arrayConfig: 'CONTAINS', queryScope: 'COLLECTION' }] },
    ]);
  });
});
