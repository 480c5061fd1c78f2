import { Readable } from 'node:stream';
import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { drive } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { enhancePhoto } from '../../../functions/src/photos/enhance';
import type { SealedToken, TokenVault } from '../../../functions/src/tokens/vault';

/**
 * The baseline: the straightforward reading of Google's server-side offline-access sample, one
 * user after another. For each user: read the document, decrypt the refresh token, let
 * google-auth-library refresh the access token, list the app data folder, and enhance every photo
 * not yet enhanced (download, enhance with the same pipeline, upload, mark the source); then record
 * the run. It makes fewer Google calls per user than the product (no changes feed, no
 * exactly-once lookup), which only makes the comparison harder for the product.
 */
export interface NaiveDeps {
  db: Firestore;
  collection: string;
  vault: TokenVault;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  apiRootUrl: string;
}

export async function naiveOfflineRun(userIds: readonly string[], deps: NaiveDeps): Promise<void> {
  for (const userId of userIds) await runOneUser(userId, deps);
}

async function runOneUser(userId: string, deps: NaiveDeps): Promise<void> {
  const ref = deps.db.collection(deps.collection).doc(userId);
  const record = (await ref.get()).data() as { refreshToken: SealedToken };
  const auth = new OAuth2Client({
    clientId: deps.clientId,
    clientSecret: deps.clientSecret,
    endpoints: { oauth2TokenUrl: deps.tokenUrl },
    transporterOptions: { timeout: 30_000, fetchImplementation: fetch },
  });
  auth.setCredentials({ refresh_token: await deps.vault.open(userId, 'refreshToken', record.refreshToken) });
  const client = drive({ version: 'v3', auth, rootUrl: deps.apiRootUrl, timeout: 30_000, fetchImplementation: fetch });
  const listed = await client.files.list({ spaces: 'appDataFolder', fields: 'files(id,name,mimeType,appProperties)', pageSize: 100 });
  for (const file of listed.data.files ?? []) {
    const marks = file.appProperties ?? {};
    if (!file.id || !file.mimeType?.startsWith('image/') || marks.enhancedId || marks.derivedFrom) continue;
    const content = await client.files.get({ fileId: file.id, alt: 'media' }, { responseType: 'arraybuffer' });
    const enhanced = await enhancePhoto(Buffer.from(content.data as unknown as ArrayBuffer));
    const created = await client.files.create(
      {
        requestBody: { name: `${file.name ?? 'photo'}-enhanced.jpg`, parents: ['appDataFolder'], appProperties: { derivedFrom: file.id } },
        media: { mimeType: 'image/jpeg', body: Readable.from(enhanced.data) },
        fields: 'id',
      },
      { rootUrl: deps.apiRootUrl },
    );
    await client.files.update({ fileId: file.id, requestBody: { appProperties: { enhancedId: created.data.id ?? '' } } });
  }
  await ref.update({ lastRunAt: Timestamp.now() });
}
