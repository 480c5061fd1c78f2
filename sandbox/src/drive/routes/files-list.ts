import { type DriveCall, type DriveReply } from '../drive-route';
import { driveErrors } from '../drive-error';
import { compareSortKeys, parseOrderBy, sortKeyOf } from '../file-order';
import { fileResource } from '../file-resource';
import { project } from '../fields';
import { decodeListPageToken, encodeListPageToken, fingerprintOf } from '../list-page-token';
import type { StoredFile } from '../model';
import { assertSpacesAllowed, pageSizeParam, spacesParam } from '../params';
import type { QueryNode } from '../query/ast';
import { matchesQuery } from '../query/evaluate';
import { QuerySyntaxError } from '../query/lexer';
import { parseQuery } from '../query/parser';
import { fieldsParam } from './fields-param';

/** files.list: search one user's files in the requested spaces, page by page. */
export function listFiles(call: DriveCall): DriveReply {
  const url = call.request.url;
  const spaces = spacesParam(url);
  assertSpacesAllowed(spaces, call.visible);
  const pageSize = pageSizeParam(url);
  const order = parseOrderBy(url.searchParams.get('orderBy'));
  const query = queryParam(url.searchParams.get('q'));
  const mask = fieldsParam(url, 'FileList');

  const fingerprint = fingerprintOf(url.searchParams.get('q') ?? '', [...spaces].sort().join(','), url.searchParams.get('orderBy') ?? '');
  const pageToken = url.searchParams.get('pageToken');
  const after = pageToken ? decodeListPageToken(pageToken, fingerprint) : undefined;

  // Files created within the (injected) search lag are not in the index yet.
  const indexedBefore = call.state.context.now() - call.state.faults.searchLagFor(call.grant.sub);
  const inScope = (file: StoredFile) => spaces.has(file.space) && call.visible.has(file.space) && file.createdTime <= indexedBefore;
  const resolveFolder = (id: string) => call.drive.resolveFolderId(id);
  const matching = call.drive
    .all()
    .filter((file) => inScope(file) && (!query || matchesQuery(file, query, resolveFolder)))
    .map((file) => ({ file, key: sortKeyOf(file, order) }))
    .filter(({ key }) => !after || compareSortKeys(key, after, order) > 0)
    .sort((a, b) => compareSortKeys(a.key, b.key, order));

  const page = matching.slice(0, pageSize);
  const last = page.at(-1);
  const body = {
    kind: 'drive#fileList',
    incompleteSearch: false,
    files: page.map(({ file }) => fileResource(file)),
    ...(matching.length > pageSize && last ? { nextPageToken: encodeListPageToken(last.key, fingerprint) } : {}),
  };
  return { kind: 'json', body: project(body, mask) };
}

function queryParam(raw: string | null): QueryNode | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  try {
    return parseQuery(raw);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw driveErrors.invalidQuery();
    throw error;
  }
}
