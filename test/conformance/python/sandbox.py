"""Where the sandbox Google listens, and what only its admin API can do: mint a sign-in code (the
consent screen the sandbox does not have) and make a user's access tokens expire early.

scripts/conformance.ts starts the sandbox and passes its URL and OAuth client in the environment.
"""

import json
import os
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 10

APPDATA_SCOPE = "https://www.googleapis.com/auth/drive.appdata"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
# The long forms, as Google's token endpoint answers them (google-auth warns about any it did not get back).
SIGN_IN_SCOPES = [
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
    APPDATA_SCOPE,
]


@dataclass(frozen=True)
class Sandbox:
    url: str
    client_id: str
    client_secret: str

    @staticmethod
    def from_environment():
        return Sandbox(
            url=os.environ["SANDBOX_URL"].rstrip("/"),
            client_id=os.environ["SANDBOX_CLIENT_ID"],
            client_secret=os.environ["SANDBOX_CLIENT_SECRET"],
        )

    @property
    def token_uri(self):
        return f"{self.url}/token"

    @property
    def revoke_uri(self):
        return f"{self.url}/revoke"

    @property
    def pem_certs_url(self):
        return f"{self.url}/oauth2/v1/certs"

    @property
    def jwk_certs_url(self):
        return f"{self.url}/oauth2/v3/certs"

    @property
    def api_root_url(self):
        """What replaces https://www.googleapis.com/ (Drive's rootUrl), trailing slash included."""
        return f"{self.url}/"

    def mint_code(self, sub, email, scopes, **extra):
        """A one-time code as a mobile app's serverAuthCode (no redirect URI), for this client."""
        body = {"sub": sub, "email": email, "scopes": scopes, **extra}
        return self._admin("POST", "/__admin/mint-code", body)["code"]

    def expire_access_tokens(self, sub):
        """Every access token of the user stops working before the client thinks it expires."""
        self._admin("POST", "/__admin/expire-access-tokens", {"sub": sub})

    def _admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"{}")
