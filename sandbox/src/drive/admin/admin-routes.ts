import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { type Route, type SandboxRequest, sendJson } from '../../http';
import { isDriveError } from '../drive-error';
import { defaultFaultsSchema, userFaultsSchema } from '../faults';
import { storageLimitSchema } from '../storage-quota';
import type { DriveAdmin } from './drive-admin';
import type { DriveFileSnapshot } from './file-snapshot';

/**
 * The admin API over HTTP (JSON), for the demo and anything outside the sandbox's process:
 *   POST   /__admin/drive/users/{sub}/files     {name, mimeType, contentBase64, appProperties?, parents?, abusive?} -> 201 {file}
 *   GET    /__admin/drive/users/{sub}/files     [?includeContent=true] -> {files} (content as contentBase64)
 *   PUT    /__admin/drive/users/{sub}/faults    {latencyMs?, failNext?, rates?} -> 200 {faults}
 *   DELETE /__admin/drive/users/{sub}/faults    -> 204
 *   PUT    /__admin/drive/users/{sub}/storage   {limitBytes: integer >= 0 | null} -> 200 {storage: {limitBytes, usageBytes}}
 *   DELETE /__admin/drive/users/{sub}/storage   -> 204 (back to 15 GiB)
 *   PUT    /__admin/drive/faults                {latencyMs?, rates?, seed?} -> 200 {faults}
 *   GET    /__admin/drive/users/{sub}/stats     -> stats;  GET /__admin/drive/stats -> {users}
 *   POST   /__admin/drive/reset                 -> 204
 */
const putFileSchema = z.strictObject({
  name: z.string().min(1),
  mimeType: z.string().min(1),
  contentBase64: z.base64(),
  appProperties: z.record(z.string(), z.string()).optional(),
  parents: z.array(z.string().min(1)).optional(),
  abusive: z.boolean().optional(),
});

const USER = '/__admin/drive/users/(?<sub>[^/]+)';

class AdminInputError extends Error {}

export function driveAdminRoutes(admin: DriveAdmin): Route[] {
  return [
    adminRoute('POST', `${USER}/files`, (request, response) => {
      const input = parseBody(request, putFileSchema);
      const file = admin.putFile(subOf(request), {
        name: input.name,
        mimeType: input.mimeType,
        content: Buffer.from(input.contentBase64, 'base64'),
        appProperties: input.appProperties,
        parents: input.parents,
        abusive: input.abusive,
      });
      sendJson(response, 201, { file: snapshotJson(file) });
    }),
    adminRoute('GET', `${USER}/files`, (request, response) => {
      const includeContent = request.url.searchParams.get('includeContent') === 'true';
      sendJson(response, 200, { files: admin.listFiles(subOf(request), { includeContent }).map(snapshotJson) });
    }),
    adminRoute('PUT', `${USER}/faults`, (request, response) => {
      const faults = parseBody(request, userFaultsSchema);
      admin.setUserFaults(subOf(request), faults);
      sendJson(response, 200, { faults });
    }),
    adminRoute('DELETE', `${USER}/faults`, (request, response) => {
      admin.clearUserFaults(subOf(request));
      sendEmpty(response);
    }),
    adminRoute('PUT', `${USER}/storage`, (request, response) => {
      const { limitBytes } = parseBody(request, storageLimitSchema);
      sendJson(response, 200, { storage: admin.setUserStorageLimit(subOf(request), limitBytes) });
    }),
    adminRoute('DELETE', `${USER}/storage`, (request, response) => {
      admin.clearUserStorageLimit(subOf(request));
      sendEmpty(response);
    }),
    adminRoute('PUT', '/__admin/drive/faults', (request, response) => {
      const faults = parseBody(request, defaultFaultsSchema);
      admin.setDefaultFaults(faults);
      sendJson(response, 200, { faults });
    }),
    adminRoute('GET', `${USER}/stats`, (request, response) => sendJson(response, 200, admin.stats(subOf(request)))),
    adminRoute('GET', '/__admin/drive/stats', (_request, response) => sendJson(response, 200, { users: admin.allStats() })),
    adminRoute('POST', '/__admin/drive/reset', (_request, response) => {
      admin.reset();
      sendEmpty(response);
    }),
  ];
}

function adminRoute(method: Route['method'], pattern: string, handle: (request: SandboxRequest, response: ServerResponse) => void): Route {
  return {
    method,
    path: new RegExp(`^${pattern}$`),
    handle: (request, response) => {
      try {
        handle(request, response);
      } catch (error) {
        if (error instanceof AdminInputError) sendJson(response, 400, { error: { code: 'invalid_request', message: error.message } });
        else if (isDriveError(error)) sendJson(response, error.status, error.body());
        else throw error;
      }
    },
  };
}

function parseBody<T>(request: SandboxRequest, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new AdminInputError('The body is not valid JSON.');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new AdminInputError(result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  }
  return result.data;
}

function subOf(request: SandboxRequest): string {
  const raw = request.params.sub ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AdminInputError('The user id in the path is not valid percent-encoding.');
  }
}

function snapshotJson(file: DriveFileSnapshot): Record<string, unknown> {
  const { content, ...metadata } = file;
  return content === undefined ? metadata : { ...metadata, contentBase64: content.toString('base64') };
}

function sendEmpty(response: ServerResponse): void {
  response.writeHead(204);
  response.end();
}
