import type { FieldMask } from './fields';
import { newUploadId } from './ids';
import type { FilePatch, NewFile } from './user-drive';

/**
 * Resumable uploads between their initiation and their last byte. A session belongs to the user
 * who opened it and says what to do with the bytes once they are all there.
 */
export type UploadTarget = { readonly kind: 'create'; readonly file: NewFile } | { readonly kind: 'update'; readonly fileId: string; readonly patch: FilePatch };

export interface UploadSession {
  readonly id: string;
  readonly sub: string;
  readonly target: UploadTarget;
  readonly contentType: string | undefined;
  /** The `fields` of the initiating request, applied to the final answer. */
  readonly mask: FieldMask;
  received: Buffer;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  open(sub: string, target: UploadTarget, contentType: string | undefined, mask: FieldMask): UploadSession {
    const session: UploadSession = { id: newUploadId(), sub, target, contentType, mask, received: Buffer.alloc(0) };
    this.sessions.set(session.id, session);
    return session;
  }

  find(id: string, sub: string): UploadSession | undefined {
    const session = this.sessions.get(id);
    return session?.sub === sub ? session : undefined;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  clear(): void {
    this.sessions.clear();
  }
}
