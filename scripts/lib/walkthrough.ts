export interface WalkthroughUrls {
  firestore: string;
  pubsub: string;
  sandboxUrl: string;
  exchangeUrl: string;
  dispatcherUrl: string;
  workerUrl: string;
  /** The other functions (disconnect, offlineStatus, riscReceiver, rewrapTokens, backfillShards, createPhotoPickerSession) by name. */
  others: Readonly<Record<string, string>>;
  projectId: string;
  scheduleSeconds: number;
}

/** The copy-paste tour printed by `npm start`: what the mobile app and Google do, by hand. */
export function printWalkthrough(urls: WalkthroughUrls): void {
  const scopes = '["openid","email","profile","https://www.googleapis.com/auth/drive.appdata"]';
  const sample = 'sandbox/fixtures/photos/sunset.jpg';
  console.log(`
The local stack is running:
  exchangeAuthCode     ${urls.exchangeUrl}
  dispatchOfflineWork  ${urls.dispatcherUrl}   (a tick POSTed by the local scheduler every ${urls.scheduleSeconds} s; each
                       shard pushed back from topic offline-work-dispatch)
  runOfflineWork       ${urls.workerUrl}   (Pub/Sub push from topic offline-work)
${Object.entries(urls.others).map(([name, url]) => `  ${name.padEnd(20)} ${url}`).join('\n')}
  sandbox Google       ${urls.sandboxUrl}   (token, certs, revoke, Drive v3, admin API)
  Firestore emulator   ${urls.firestore}
  Pub/Sub emulator     ${urls.pubsub}   (lifecycle events on topic offline-access-user-events;
                       USER_EVENTS_WEBHOOK_URL=http://127.0.0.1:PORT/PATH npm start POSTs them there,
                       signed with the secret in .local/webhook-secret: docs/events.md)

Try it (copy-paste), or run \`npm run demo\` for the whole story with three users:
  # 1. Sign in: the sandbox mints the one-time serverAuthCode Google Sign-In gives the app.
  CODE=$(curl -s -X POST ${urls.sandboxUrl}/__admin/mint-code -H 'content-type: application/json' \\
    -d '{"sub":"1001","email":"ada@example.com","name":"Ada","scopes":${scopes},"forceConsent":true}' \\
    | node -pe 'JSON.parse(require("fs").readFileSync(0)).code')

  # 2. POST it like the app does (HTTPS in production; the header is the anti-CSRF check).
  curl -s -X POST ${urls.exchangeUrl} -H 'X-Requested-With: com.example.app' \\
    -H 'content-type: application/json' -d "{\\"code\\":\\"$CODE\\"}"; echo

  # 3. Look at what was stored: profile and scopes in the clear, tokens only as AES-256-GCM ciphertext.
  curl -s 'http://${urls.firestore}/v1/projects/${urls.projectId}/databases/(default)/documents/users/1001'; echo

  # 4. The same code again is refused (codes are one-time): 400 invalid_grant.
  curl -s -X POST ${urls.exchangeUrl} -H 'X-Requested-With: com.example.app' \\
    -H 'content-type: application/json' -d "{\\"code\\":\\"$CODE\\"}"; echo

  # 5. The app puts a photo in the user's Drive app data folder...
  curl -s -X POST ${urls.sandboxUrl}/__admin/drive/users/1001/files -H 'content-type: application/json' \\
    -d "{\\"name\\":\\"sunset.jpg\\",\\"mimeType\\":\\"image/jpeg\\",\\"contentBase64\\":\\"$(base64 -w0 ${sample})\\"}" > /dev/null

  # 6. ...and within a scheduler tick or two the backend has enhanced it while the user is away:
  sleep ${urls.scheduleSeconds * 2}; curl -s ${urls.sandboxUrl}/__admin/drive/users/1001/files \\
    | node -pe 'JSON.parse(require("fs").readFileSync(0)).files.map(f => f.name + " " + JSON.stringify(f.appProperties)).join("\\n")'

Press Ctrl-C to stop everything.`);
}
