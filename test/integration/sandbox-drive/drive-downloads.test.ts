import { randomBytes } from 'node:crypto';
import { type DriveKit, startDriveKit } from './drive-test-kit';

/**
 * files.get?alt=media honours a Range header as Drive does ("partial download"): 206 with
 * Content-Range, 416 past the end. google-api-python-client's MediaIoBaseDownload and the Java
 * client's chunked downloads depend on it.
 */
let kit: DriveKit;
beforeAll(async () => {
  kit = await startDriveKit();
});
afterAll(() => kit.close());

describe('sandbox Drive: partial downloads with Range', () => {
  const content = randomBytes(1000);
  let fileId: string;
  let token: string;

  beforeAll(() => {
    fileId = kit.sandbox.drive.putFile('user-range', { name: 'r.bin', mimeType: 'application/octet-stream', content }).id;
    token = kit.tokenFor('user-range');
  });

  const download = (range?: string) => kit.api(token, `drive/v3/files/${fileId}?alt=media`, { headers: range ? { range } : {} });

  it('answers a byte range with 206, Content-Range and exactly those bytes', async () => {
    const response = await download('bytes=100-299');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 100-299/1000');
    expect(response.headers.get('content-length')).toBe('200');
    expect(Buffer.from(await response.arrayBuffer()).equals(content.subarray(100, 300))).toBe(true);
  });

  it('clips a range past the end and serves open and suffix ranges', async () => {
    const tail = await download('bytes=900-5000');
    expect(tail.headers.get('content-range')).toBe('bytes 900-999/1000');
    expect(Buffer.from(await tail.arrayBuffer()).equals(content.subarray(900))).toBe(true);
    const suffix = await download('bytes=-10');
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(content.subarray(990))).toBe(true);
  });

  it('answers 416 with the size for a range that starts past the end', async () => {
    const response = await download('bytes=1000-');
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
    expect(await response.json()).toMatchObject({ error: { code: 416, errors: [{ reason: 'requestedRangeNotSatisfiable' }] } });
  });

  it('serves the whole file with 200 without a Range header or with one it does not honour', async () => {
    for (const range of [undefined, 'bytes=0-1,5-6']) {
      const response = await download(range);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-range')).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    }
  });
});

/** A file Drive flagged as malware or spam downloads only when the request acknowledges the risk. */
describe('sandbox Drive: a file flagged as abusive', () => {
  const content = randomBytes(100);
  const flagged = () => kit.sandbox.drive.putFile('user-abuse', { name: 'a.jpg', mimeType: 'image/jpeg', content, abusive: true }).id;

  it("refuses alt=media with 403 cannotDownloadAbusiveFile, Drive's shape and words", async () => {
    const response = await kit.api(kit.tokenFor('user-abuse'), `drive/v3/files/${flagged()}?alt=media`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: {
        code: 403,
        message: 'This file has been identified as malware or spam and cannot be downloaded.',
        errors: [{ domain: 'global', reason: 'cannotDownloadAbusiveFile', message: 'This file has been identified as malware or spam and cannot be downloaded.' }],
      },
    });
  });

  it('serves it with acknowledgeAbuse=true, and its metadata as any other file', async () => {
    const fileId = flagged();
    const token = kit.tokenFor('user-abuse');
    const acknowledged = await kit.api(token, `drive/v3/files/${fileId}?alt=media&acknowledgeAbuse=true`);
    expect(acknowledged.status).toBe(200);
    expect(Buffer.from(await acknowledged.arrayBuffer()).equals(content)).toBe(true);
    const metadata = await kit.api(token, `drive/v3/files/${fileId}?fields=id,name`);
    expect(await metadata.json()).toEqual({ id: fileId, name: 'a.jpg' });
  });
});
