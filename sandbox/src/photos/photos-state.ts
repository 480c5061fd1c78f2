import type { PhotosContext } from './context';
import { PhotosFaultInjector } from './faults';
import { LibraryStore } from './library/library-store';
import { UploadTokenStore } from './library/upload-tokens';
import { BaseUrlRegistry } from './picker/base-urls';
import { SessionStore } from './picker/sessions';
import { PhotosStatsRecorder } from './stats';

/** Everything the Photos stand-ins hold in memory: sessions, base URLs, uploads, albums, faults, stats. */
export class PhotosState {
  readonly faults: PhotosFaultInjector;
  readonly stats = new PhotosStatsRecorder();
  readonly sessions: SessionStore;
  readonly baseUrls: BaseUrlRegistry;
  readonly uploads: UploadTokenStore;
  readonly library: LibraryStore;

  constructor(readonly context: PhotosContext) {
    this.faults = new PhotosFaultInjector(context.seed);
    this.sessions = new SessionStore(context.now);
    this.baseUrls = new BaseUrlRegistry(context.now);
    this.uploads = new UploadTokenStore(context.now);
    this.library = new LibraryStore(context.now);
  }

  reset(): void {
    this.faults.reset();
    this.stats.reset();
    this.sessions.clear();
    this.baseUrls.clear();
    this.uploads.clear();
    this.library.clear();
  }
}
