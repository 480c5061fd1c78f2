/**
 * Small HTTP clients for the demo: it drives a running stack only through its public surfaces
 * (the functions' URLs, the sandbox's admin API, the Firestore emulator's REST API), exactly as
 * a person with curl would.
 */
export interface DriveFileView {
  id: string;
  name: string;
  mimeType: string;
  size?: string;
  appProperties?: Record<string, string>;
}

export interface UserView {
  status?: string;
  lastError?: string;
  lastRunAt?: string;
  refreshKeyVersion?: string;
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

const SIGN_IN_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.appdata'];

export async function mintCode(sandboxUrl: string, user: { sub: string; email: string; name: string }, extraScopes: readonly string[] = []): Promise<string> {
  const response = await fetch(`${sandboxUrl}/__admin/mint-code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...user, scopes: [...SIGN_IN_SCOPES, ...extraScopes], forceConsent: true }),
  });
  return (await json<{ code: string }>(response, 'mint-code')).code;
}

export async function exchange(exchangeUrl: string, code: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(exchangeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.demo' },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: await response.json() };
}

/** What the app's Google Sign-In would hold for the user: an ID token minted by the sandbox. */
export async function mintIdToken(sandboxUrl: string, sub: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/__admin/mint-id-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ claims: { sub } }),
  });
  return (await json<{ idToken: string }>(response, 'mint-id-token')).idToken;
}

/** disconnect and createPhotoPickerSession: a POST with the user's ID token and nothing else. */
export async function postWithIdToken(url: string, idToken: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'x-requested-with': 'com.example.demo', authorization: `Bearer ${idToken}` } });
  return { status: response.status, body: await response.json() };
}

/** Plays the user picking these photos in Google Photos and tapping Done (the sandbox's admin API). */
export async function pickInGooglePhotos(sandboxUrl: string, sessionId: string, items: { filename: string; mimeType: string; content: Buffer }[]): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__admin/photos-pick`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, items: items.map(({ filename, mimeType, content }) => ({ filename, mimeType, base64: content.toString('base64') })) }),
  });
  await json(response, 'photos-pick');
}

export interface AlbumView {
  title: string;
  mediaItems: { filename: string; mimeType: string; bytes: number }[];
}

export async function listAlbums(sandboxUrl: string, sub: string): Promise<AlbumView[]> {
  return json<AlbumView[]>(await fetch(`${sandboxUrl}/__admin/photos-albums?sub=${encodeURIComponent(sub)}`), 'photos-albums');
}

export async function listPickerSessions(sandboxUrl: string, sub: string): Promise<{ id: string; deleted: boolean }[]> {
  return json<{ id: string; deleted: boolean }[]>(await fetch(`${sandboxUrl}/__admin/photos-sessions?sub=${encodeURIComponent(sub)}`), 'photos-sessions');
}

export async function putPhoto(sandboxUrl: string, sub: string, name: string, mimeType: string, content: Buffer): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__admin/drive/users/${encodeURIComponent(sub)}/files`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, mimeType, contentBase64: content.toString('base64') }),
  });
  await json(response, 'put file');
}

export async function listFiles(sandboxUrl: string, sub: string): Promise<DriveFileView[]> {
  const response = await fetch(`${sandboxUrl}/__admin/drive/users/${encodeURIComponent(sub)}/files`);
  return (await json<{ files: DriveFileView[] }>(response, 'list files')).files;
}

interface FirestoreValue {
  stringValue?: string;
  timestampValue?: string;
  mapValue?: { fields?: Record<string, FirestoreValue> };
}

export async function readUser(firestoreHost: string, projectId: string, sub: string): Promise<UserView> {
  const response = await fetch(`http://${firestoreHost}/v1/projects/${projectId}/databases/(default)/documents/users/${encodeURIComponent(sub)}`);
  if (response.status === 404) return {};
  const fields = (await json<{ fields?: Record<string, FirestoreValue> }>(response, 'read user')).fields ?? {};
  return {
    status: fields.status?.stringValue,
    lastError: fields.lastError?.stringValue,
    lastRunAt: fields.lastRunAt?.timestampValue,
    refreshKeyVersion: fields.refreshToken?.mapValue?.fields?.keyVersion?.stringValue,
  };
}

export async function isUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
