export interface WalkthroughUrls {
  firestore: string;
  sandboxUrl: string;
  exchangeUrl: string;
  projectId: string;
}

/** The copy-paste tour printed by `npm start`: what the mobile app and Google do, by hand. */
export function printWalkthrough(urls: WalkthroughUrls): void {
  const scopes = '["openid","email","profile","https://www.googleapis.com/auth/drive.appdata"]';
  console.log(`
The local stack is running:
  exchangeAuthCode   ${urls.exchangeUrl}
  sandbox Google     ${urls.sandboxUrl}   (token, certs, revoke, Drive v3, admin API)
  Firestore emulator ${urls.firestore}

Try it (copy-paste):
  # 1. Sign in: the sandbox mints the one-time serverAuthCode Google Sign-In gives the app.
  CODE=$(curl -s -X POST ${urls.sandboxUrl}/__admin/codes -H 'content-type: application/json' \\
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

Press Ctrl-C to stop everything.`);
}
