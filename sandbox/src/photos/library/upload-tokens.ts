import { newUploadToken } from '../ids';

/** Google: "Upload tokens are valid for one day after being created." */
export const UPLOAD_TOKEN_LIFETIME_MS = 24 * 60 * 60_000;

export interface UploadedBytes {
  readonly sub: string;
  readonly clientId: string;
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly expiresAt: number;
}

/**
 * Bytes uploaded with `POST /v1/uploads`, by token. A token is not used up by batchCreate: Google
 * documents no such rule, so each batchCreate with it makes one more media item (a product that
 * retries batchCreate blindly makes duplicates here, as it may at Google).
 */
export class UploadTokenStore {
  private readonly uploads = new Map<string, UploadedBytes>();

  constructor(private readonly now: () => number) {}

  add(upload: Omit<UploadedBytes, 'expiresAt'>): string {
    const token = newUploadToken();
    this.uploads.set(token, { ...upload, expiresAt: this.now() + UPLOAD_TOKEN_LIFETIME_MS });
    return token;
  }

  /** The upload behind a token, if it is live and was made by the same user through the same app. */
  resolve(token: string, sub: string, clientId: string): UploadedBytes | undefined {
    const upload = this.uploads.get(token);
    if (!upload) return undefined;
    if (upload.expiresAt <= this.now()) {
      this.uploads.delete(token);
      return undefined;
    }
    return upload.sub === sub && upload.clientId === clientId ? upload : undefined;
  }

  clear(): void {
    this.uploads.clear();
  }
}
