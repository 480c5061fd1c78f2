"""google-auth against the sandbox: ID token verification with the PEM and the JWK certs, refresh
with google.oauth2.credentials.Credentials, and RefreshError once the grant is revoked.

(Credentials.from_authorized_user_info is left out on purpose: since google-auth 2.x it always
uses Google's own token URI, whatever the info says, so no local server can stand in for it.)"""

import time

import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2.credentials
import requests
from google.oauth2 import id_token

from harness import NOT_RUN, Section, expect, expect_equal, expect_raises
from sandbox import SIGN_IN_SCOPES, TIMEOUT_SECONDS

SUB = "conformance-google-auth"
EMAIL = "auth@example.com"
GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")


class TimedRequest(google.auth.transport.requests.Request):
    """google-auth's requests transport with the sandbox's timeout instead of its 120 s default."""

    def __call__(self, *args, timeout=TIMEOUT_SECONDS, **kwargs):
        return super().__call__(*args, timeout=timeout, **kwargs)


def exchange_code(sandbox, code):
    """The token request every library sends (google-auth itself has no code exchange)."""
    response = requests.post(
        sandbox.token_uri,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "redirect_uri": "",
        },
        timeout=TIMEOUT_SECONDS,
    )
    expect_equal(response.status_code, 200, "code exchange status")
    return response.json()


def user_credentials(sandbox, tokens, scopes):
    return google.oauth2.credentials.Credentials(
        token=None,
        refresh_token=tokens["refresh_token"],
        token_uri=sandbox.token_uri,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        scopes=scopes,
    )


def run(sandbox):
    section = Section("python google-auth")
    request = TimedRequest()
    scopes = SIGN_IN_SCOPES
    tokens = section.check(
        "a code exchange answers tokens", lambda: exchange_code(sandbox, sandbox.mint_code(SUB, EMAIL, scopes))
    )
    section.check(
        "id_token.verify_token with the PEM certs URL",
        lambda: verify(tokens["id_token"], request, sandbox, sandbox.pem_certs_url),
        needs=[tokens],
    )
    section.check(
        "id_token.verify_token with the JWK certs URL",
        lambda: verify(tokens["id_token"], request, sandbox, sandbox.jwk_certs_url),
        needs=[tokens],
    )
    section.check(
        "id_token.verify_token refuses another audience",
        lambda: expect_raises(
            ValueError,
            lambda: id_token.verify_token(tokens["id_token"], request, "someone-else", certs_url=sandbox.pem_certs_url),
            "wrong audience",
        ),
        needs=[tokens],
    )
    credentials = section.check(
        "Credentials(refresh_token=...).refresh(request)",
        lambda: refreshed(user_credentials(sandbox, tokens, scopes), request),
        needs=[tokens],
    )
    access_token = credentials.token if credentials is not NOT_RUN else NOT_RUN
    revoked = section.check(
        "RefreshError once the grant is revoked at the revoke endpoint",
        lambda: refresh_after_revoke(sandbox, credentials, request),
        needs=[credentials],
    )
    section.check(
        "the revoked grant's access token stops working at once (Drive answers 401)",
        lambda: expect_equal(drive_status(sandbox, access_token), 401, "Drive status"),
        needs=[revoked, access_token],
    )
    return section.failed


def verify(token, request, sandbox, certs_url):
    claims = id_token.verify_token(token, request, sandbox.client_id, certs_url=certs_url)
    expect_equal(claims.get("sub"), SUB, "sub")
    expect_equal(claims.get("aud"), sandbox.client_id, "aud")
    expect_equal(claims.get("email"), EMAIL, "email")
    expect(claims.get("iss") in GOOGLE_ISSUERS, f"iss {claims.get('iss')!r} is not one of Google's")
    expect(claims.get("exp", 0) > time.time(), "exp is not in the future")


def refreshed(credentials, request):
    credentials.refresh(request)
    expect(credentials.token, "no access token after refresh")
    expect(credentials.valid, "credentials not valid after refresh")
    expect(credentials.expiry is not None, "no expiry after refresh")
    return credentials


def refresh_after_revoke(sandbox, credentials, request):
    response = requests.post(sandbox.revoke_uri, data={"token": credentials.refresh_token}, timeout=TIMEOUT_SECONDS)
    expect_equal(response.status_code, 200, "revoke status")
    error = expect_raises(google.auth.exceptions.RefreshError, lambda: credentials.refresh(request), "refresh")
    expect("invalid_grant" in str(error), f"expected invalid_grant, got {error}")
    expect(getattr(error, "retryable", False) is False, "a revoked grant is reported as retryable")
    return True


def drive_status(sandbox, access_token):
    response = requests.get(
        f"{sandbox.api_root_url}drive/v3/files",
        params={"spaces": "appDataFolder"},
        headers={"authorization": f"Bearer {access_token}"},
        timeout=TIMEOUT_SECONDS,
    )
    return response.status_code
