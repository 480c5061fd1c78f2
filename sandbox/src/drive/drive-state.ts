import type { DriveContext } from './context';
import { FaultInjector } from './faults';
import { StatsRecorder } from './stats';
import { UploadSessions } from './upload-sessions';
import { UserDrive } from './user-drive';

/** Everything one Drive sandbox holds in memory: users' drives, faults, stats, open uploads. */
export class DriveState {
  readonly faults: FaultInjector;
  readonly stats = new StatsRecorder();
  readonly uploads = new UploadSessions();
  private readonly drives = new Map<string, UserDrive>();

  constructor(readonly context: DriveContext) {
    this.faults = new FaultInjector(context.seed);
  }

  /** A user's drive, created empty the first time anyone touches it, as a new account's is. */
  driveOf(sub: string): UserDrive {
    let drive = this.drives.get(sub);
    if (!drive) {
      drive = new UserDrive(sub, this.context.now);
      this.drives.set(sub, drive);
    }
    return drive;
  }

  reset(): void {
    this.drives.clear();
    this.stats.reset();
    this.uploads.clear();
    this.faults.reset(this.context.seed);
  }
}
