import type { Route } from '../http';
import { createDriveAdmin, type DriveAdmin } from './admin/drive-admin';
import { driveAdminRoutes } from './admin/admin-routes';
import type { DriveContext } from './context';
import { DriveState } from './drive-state';
import { driveApiRoutes } from './routes/drive-api-routes';

export type { DriveContext } from './context';
export type { DriveAdmin, PutFileInput } from './admin/drive-admin';
export type { DriveFileSnapshot } from './admin/file-snapshot';
export type { DefaultFaults, FailNext, FaultRates, UserFaults } from './faults';
export type { DriveMethod, DriveUserStats } from './stats';
export type { DriveStorage, StorageLimit } from './storage-quota';
export type { DriveErrorBody } from './drive-error';

/** One in-memory Drive v3 for every sandbox user: its HTTP routes and its in-process admin. */
export interface DriveSandbox {
  /** Drive v3 (files, uploads, changes, about) and the /__admin/drive/ routes. */
  readonly routes: Route[];
  readonly admin: DriveAdmin;
}

export function createDriveSandbox(context: DriveContext): DriveSandbox {
  const state = new DriveState(context);
  const admin = createDriveAdmin(state);
  return { routes: [...driveApiRoutes(state), ...driveAdminRoutes(admin)], admin };
}

/** Drive v3 routes (files, changes, about, uploads) plus their admin routes. */
export function driveRoutes(context: DriveContext): Route[] {
  return createDriveSandbox(context).routes;
}
