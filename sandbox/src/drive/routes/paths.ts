/** Drive v3's paths, exactly as the discovery document and @googleapis/drive build them. */
const FILE_ID = '(?<fileId>[^/]+)';

export const DRIVE_PATHS = {
  files: /^\/drive\/v3\/files$/,
  file: new RegExp(`^/drive/v3/files/${FILE_ID}$`),
  uploadFiles: /^\/upload\/drive\/v3\/files$/,
  uploadFile: new RegExp(`^/upload/drive/v3/files/${FILE_ID}$`),
  changes: /^\/drive\/v3\/changes$/,
  startPageToken: /^\/drive\/v3\/changes\/startPageToken$/,
  about: /^\/drive\/v3\/about$/,
} as const;

/** The path's file id; tolerant of a server that already decoded it. */
export function fileIdOf(params: Readonly<Record<string, string>>): string {
  const raw = params.fileId ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
