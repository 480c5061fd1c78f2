/**
 * `npm run demo [-- --users N]`: the whole story with N sandbox users (default 3). Uses the running
 * local stack, or starts one (and stops it at the end). Each user signs in, the app's code is
 * exchanged, sample photos land in their Drive app data folder, and after the scheduler's tick
 * the backend has enhanced them while the users were away. The first user also granted the Google
 * Photos scopes: they pick photos (and a video) in Google Photos, and a few ticks later the enhanced
 * photos are in an "Enhanced" album of the app's. The last user disconnects. The
 * lifecycle events all that caused are printed as a subscriber of the events topic gets them.
 * Ctrl-C stops what it started.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  exchange,
  isUp,
  listAlbums,
  listFiles,
  listPickerSessions,
  mintCode,
  mintIdToken,
  pickInGooglePhotos,
  postWithIdToken,
  putPhoto,
  readUser,
  type DriveFileView,
} from './lib/demo-clients';
import { type DemoEventListener, describeEvent, listenForEvents } from './lib/demo-events';
import { LOCAL_EVENTS_TOPIC, LOCAL_PROJECT } from './lib/local-env';
import { type LocalStack, localPubSub, startLocalStack } from './lib/local-stack';
import { waitUntil } from './lib/ports';
import { atShutdown, exitAfterStopping, shutdownOnSignals } from './lib/shutdown';
import { functionUrl, readStackLayout, REPO_ROOT } from './lib/stack-layout';

const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const PHOTOS = [
  { file: 'sunset.jpg', mimeType: 'image/jpeg' },
  { file: 'lakeshore-rotated-gps.jpg', mimeType: 'image/jpeg' },
  { file: 'meadow.png', mimeType: 'image/png' },
  { file: 'city-night.webp', mimeType: 'image/webp' },
];
const CORRUPT = { file: 'corrupt.jpg', mimeType: 'image/jpeg' };
const PHOTOS_SCOPES = [
  'https://www.googleapis.com/auth/photospicker.mediaitems.readonly',
  'https://www.googleapis.com/auth/photoslibrary.appendonly',
  'https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata',
];
const PICKS = [
  { filename: 'IMG_2041.JPG', mimeType: 'image/jpeg', file: 'sunset.jpg' },
  { filename: 'IMG_2042.MOV', mimeType: 'video/quicktime', file: 'sunset.jpg' },
  { filename: 'IMG_2043.HEIC', mimeType: 'image/heic', file: 'iphone-grid-rotated-gps.heic' },
];
const SCHEDULE_SECONDS = 5;

function usersFromArgs(argv: readonly string[]): number {
  const index = argv.indexOf('--users');
  const value = index >= 0 ? Number(argv[index + 1]) : 3;
  if (!Number.isInteger(value) || value < 1 || value > NAMES.length) throw new Error(`--users takes 1 to ${NAMES.length}`);
  return value;
}

const photo = (file: string) => readFileSync(join(REPO_ROOT, 'sandbox', 'fixtures', 'photos', file));
const isSettled = (file: DriveFileView) => Boolean(file.appProperties?.derivedFrom || file.appProperties?.enhancedId || file.appProperties?.enhanceError);

async function main(): Promise<void> {
  const count = usersFromArgs(process.argv);
  const layout = readStackLayout();
  const exchangeUrl = functionUrl(layout, 'exchangeAuthCode');
  const sandboxUrl = `http://${layout.host}:${layout.sandboxGooglePort}`;
  let started: LocalStack | undefined;
  if (!(await isUp(exchangeUrl)) || !(await isUp(`${sandboxUrl}/__admin/stats`))) {
    console.log(`No local stack running: starting one (scheduler every ${SCHEDULE_SECONDS} s)...`);
    started = await startLocalStack(layout, { scheduleSeconds: SCHEDULE_SECONDS, log: () => {} });
    atShutdown(() => started?.stop());
  }
  const pubsub = localPubSub(layout);
  const run = Date.now().toString(36);
  let listener: DemoEventListener | undefined;
  try {
    listener = await listenForEvents(pubsub, LOCAL_EVENTS_TOPIC, `demo-events-${run}`);
    const users = NAMES.slice(0, count).map((name, i) => ({ sub: `demo-${run}-${i + 1}`, name, email: `${name.toLowerCase()}@example.com` }));

    console.log(`\n1. ${count} users sign in with Google; the app POSTs each serverAuthCode to exchangeAuthCode`);
    for (const user of users) {
      // The first user's app also asks for the Google Photos scopes (step 5).
      const result = await exchange(exchangeUrl, await mintCode(sandboxUrl, user, user === users[0] ? PHOTOS_SCOPES : []));
      console.log(`   ${user.name.padEnd(8)} -> ${result.status} ${JSON.stringify(result.body)}`);
      const stored = await readUser(`${layout.host}:${layout.firestorePort}`, LOCAL_PROJECT, user.sub);
      console.log(`   ${''.padEnd(8)}    stored: status=${stored.status}, refresh token sealed with key version ${stored.refreshKeyVersion}`);
    }

    console.log('\n2. The app puts photos in each user\'s Drive app data folder, and the users go offline');
    for (const [i, user] of users.entries()) {
      const picks = [PHOTOS[i % PHOTOS.length]!, PHOTOS[(i + 1) % PHOTOS.length]!, ...(i === 0 ? [CORRUPT] : [])];
      for (const pick of picks) await putPhoto(sandboxUrl, user.sub, pick.file, pick.mimeType, photo(pick.file));
      console.log(`   ${user.name.padEnd(8)} <- ${picks.map((p) => p.file).join(', ')}`);
    }

    console.log('\n3. Waiting for the scheduler tick: dispatcher -> Pub/Sub -> worker (refresh token, Drive, sharp)...');
    const started_at = Date.now();
    await waitUntil(async () => {
      const all = await Promise.all(users.map((u) => listFiles(sandboxUrl, u.sub)));
      return all.every((files) => files.every(isSettled));
    }, 'the enhanced photos', 120_000);
    console.log(`   done after ${((Date.now() - started_at) / 1000).toFixed(1)} s`);

    console.log('\n4. What the backend did while the users were away');
    for (const user of users) {
      const files = await listFiles(sandboxUrl, user.sub);
      const state = await readUser(`${layout.host}:${layout.firestorePort}`, LOCAL_PROJECT, user.sub);
      console.log(`   ${user.name} (${user.sub}): status ${state.status}, last run ${state.lastRunAt ?? '-'}${state.lastError ? `, last error ${state.lastError}` : ''}`);
      for (const file of files) {
        const note = file.appProperties?.derivedFrom
          ? `enhanced result (${file.size} bytes)`
          : file.appProperties?.enhanceError
            ? `not an image we can read: ${file.appProperties.enhanceError}`
            : 'original, marked as enhanced';
        console.log(`     ${file.name.padEnd(36)} ${note}`);
      }
    }

    const picker = users[0]!;
    console.log(`\n5. ${picker.name} picks photos in Google Photos: the app POSTs createPhotoPickerSession with the ID token`);
    const created = await postWithIdToken(functionUrl(layout, 'createPhotoPickerSession'), await mintIdToken(sandboxUrl, picker.sub));
    console.log(`   ${picker.name.padEnd(8)} -> ${created.status} ${JSON.stringify(created.body)}`);
    const { sessionId } = created.body as { sessionId: string };
    await pickInGooglePhotos(sandboxUrl, sessionId, PICKS.map((pick) => ({ filename: pick.filename, mimeType: pick.mimeType, content: photo(pick.file) })));
    console.log(`   the app opened pickerUri; ${picker.name} picked ${PICKS.map((pick) => pick.filename).join(', ')} and tapped Done`);
    const picking = Date.now();
    await waitUntil(async () => (await listPickerSessions(sandboxUrl, picker.sub)).every((session) => session.deleted), 'the enhanced picks', 120_000);
    console.log(`   the worker polled the session, enhanced the photos and deleted the session after ${((Date.now() - picking) / 1000).toFixed(1)} s:`);
    for (const album of await listAlbums(sandboxUrl, picker.sub)) {
      console.log(`   album "${album.title}" (created by the app):`);
      for (const item of album.mediaItems) console.log(`     ${item.filename.padEnd(40)} ${item.mimeType}, ${item.bytes} bytes`);
    }
    console.log('   (the video was skipped: docs/google-photos.md)');

    const leaving = users.at(-1)!;
    console.log(`\n6. ${leaving.name} disconnects in the app: POST disconnect with the user's ID token`);
    const gone = await postWithIdToken(functionUrl(layout, 'disconnect'), await mintIdToken(sandboxUrl, leaving.sub));
    console.log(`   ${leaving.name.padEnd(8)} -> ${gone.status} ${JSON.stringify(gone.body)}`);

    if (listener) {
      const { events } = listener;
      console.log(`\n7. The lifecycle events this caused, as a subscriber of the Pub/Sub topic ${LOCAL_EVENTS_TOPIC} got them`);
      await waitUntil(async () => events.length >= count + 2, 'the lifecycle events', 15_000).catch(() => undefined);
      const ours = events.filter((event) => users.some((user) => user.sub === event.subject));
      for (const event of ours.sort((a, b) => a.subject.localeCompare(b.subject) || a.data.sequence - b.data.sequence)) console.log(`   ${describeEvent(event)}`);
      console.log('   (CloudEvents 1.0 JSON; docs/events.md shows one whole, and how to verify the signed webhook)');
    } else {
      console.log(`\n7. (The running stack has no ${LOCAL_EVENTS_TOPIC} topic: restart npm start to see lifecycle events.)`);
    }
    console.log('\nRun it again any time; each run uses new users.');
  } finally {
    await listener?.close();
    await pubsub.close();
    await started?.stop();
  }
}

shutdownOnSignals({ message: (signal) => `\n${signal}: stopping the demo...` });
main().then(
  () => exitAfterStopping(0),
  (error: unknown) => exitAfterStopping(1, error instanceof Error ? error.message : String(error)),
);
