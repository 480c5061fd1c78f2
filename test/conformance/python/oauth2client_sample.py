"""Google's server-side sample for a mobile app's serverAuthCode, as Google's Sign-In guides print it,
with only the URLs changed: client_secret.json names the sandbox's token and revoke endpoints, and
the Drive client is given the sandbox as its API endpoint.

    credentials = client.credentials_from_clientsecrets_and_code(CLIENT_SECRET_FILE, scopes, auth_code)
    drive_service = discovery.build('drive', 'v3', http=credentials.authorize(httplib2.Http()))
    appfolder = drive_service.files().get(fileId='appfolder').execute()
"""

import json
import os
import tempfile
import urllib.parse

import httplib2
from googleapiclient import discovery
from oauth2client import client

from harness import Section, expect, expect_equal, expect_raises
from sandbox import SIGN_IN_SCOPES, TIMEOUT_SECONDS

SUB = "conformance-oauth2client"
EMAIL = "sample@example.com"
# The sample's scopes, short aliases included.
SAMPLE_SCOPES = ["https://www.googleapis.com/auth/drive.appdata", "profile", "email"]
FOLDER_MIME_TYPE = "application/vnd.google-apps.folder"


def run(sandbox):
    section = Section("python oauth2client sample")
    with tempfile.TemporaryDirectory() as folder:
        secret_file = write_client_secret(folder, sandbox)
        code = sandbox.mint_code(SUB, EMAIL, SIGN_IN_SCOPES)
        credentials = section.check(
            "credentials_from_clientsecrets_and_code exchanges a serverAuthCode",
            lambda: exchange(secret_file, code),
        )
    drive = section.check(
        "discovery.build('drive', 'v3', http=credentials.authorize(httplib2.Http()))",
        lambda: discovery.build(
            "drive",
            "v3",
            http=credentials.authorize(httplib2.Http(timeout=TIMEOUT_SECONDS)),
            client_options={"api_endpoint": f"{sandbox.api_root_url}drive/v3/"},
            cache_discovery=False,
        ),
        needs=[credentials],
    )
    folder = section.check("files().get(fileId='appfolder')", lambda: get_app_folder(drive, "appfolder"), needs=[drive])
    section.check(
        "files().get(fileId='appDataFolder') is the same folder",
        lambda: expect_equal(get_app_folder(drive, "appDataFolder")["id"], folder["id"], "folder id"),
        needs=[drive, folder],
    )
    section.check("credentials.refresh() gets a new access token", lambda: refresh(credentials), needs=[credentials])
    section.check(
        "an access token Drive rejects (401) is refreshed and the call retried",
        lambda: refreshed_on_401(sandbox, credentials, drive),
        needs=[credentials, drive],
    )
    section.check(
        "credentials.refresh() after the grant is revoked: HttpAccessTokenRefreshError invalid_grant",
        lambda: refresh_after_revoke(sandbox, credentials),
        needs=[credentials],
    )
    return section.failed


def write_client_secret(folder, sandbox):
    """A web client's client_secret.json as the Cloud console downloads it, pointing at the sandbox.
    The sandbox has no consent screen (codes come from its admin API); auth_uri is there because
    the file format requires it, and nothing in this flow opens it."""
    path = os.path.join(folder, "client_secret.json")
    web = {
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "redirect_uris": [],
        "auth_uri": f"{sandbox.url}/o/oauth2/auth",
        "token_uri": sandbox.token_uri,
        "revoke_uri": sandbox.revoke_uri,
    }
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"web": web}, file)
    return path


def exchange(secret_file, code):
    credentials = client.credentials_from_clientsecrets_and_code(
        secret_file, SAMPLE_SCOPES, code, http=httplib2.Http(timeout=TIMEOUT_SECONDS)
    )
    expect(credentials.access_token, "no access token")
    expect(credentials.refresh_token, "no refresh token on the first consent")
    expect_equal(credentials.id_token.get("sub"), SUB, "id_token sub")
    expect_equal(credentials.id_token.get("email"), EMAIL, "id_token email")
    expect(not credentials.access_token_expired, "the new access token is already expired")
    return credentials


def get_app_folder(drive, alias):
    folder = drive.files().get(fileId=alias).execute()
    expect_equal(folder.get("mimeType"), FOLDER_MIME_TYPE, f"mimeType of {alias}")
    expect(folder.get("id") and folder["id"] != alias, f"{alias} is answered with the folder's own id")
    return folder


def refresh(credentials):
    before = credentials.access_token
    credentials.refresh(httplib2.Http(timeout=TIMEOUT_SECONDS))
    expect(credentials.access_token and credentials.access_token != before, "the access token did not change")


def refreshed_on_401(sandbox, credentials, drive):
    before = credentials.access_token
    sandbox.expire_access_tokens(SUB)
    get_app_folder(drive, "appfolder")
    expect(credentials.access_token != before, "the call succeeded without a new access token")


def refresh_after_revoke(sandbox, credentials):
    # Revoked with Google's documented POST. (oauth2client's own credentials.revoke() sends a GET
    # first, which Google's revoke endpoint does not serve: googleapis/oauth2client#750.)
    response, _ = httplib2.Http(timeout=TIMEOUT_SECONDS).request(
        sandbox.revoke_uri,
        "POST",
        body=urllib.parse.urlencode({"token": credentials.refresh_token}),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    expect_equal(response.status, 200, "revoke status")
    error = expect_raises(
        client.HttpAccessTokenRefreshError,
        lambda: credentials.refresh(httplib2.Http(timeout=TIMEOUT_SECONDS)),
        "refresh after revoke",
    )
    expect("invalid_grant" in str(error), f"refresh after revoke: expected invalid_grant, got {error}")
