"""google-api-python-client with its bundled Drive v3 discovery document, against the sandbox's Drive.

The client is built from the library's own copy of the document (what static_discovery=True
reads) with rootUrl set to the sandbox. rootUrl is the one setting that moves both the ordinary
calls and the upload URLs: client_options={'api_endpoint': ...} moves the host of upload URLs but
keeps their https scheme, so uploads to a plain-http server fail in the library. One check builds
the client that other way too, for a call without media.
"""

import hashlib
import io
import json

import google.oauth2.credentials
import google_auth_httplib2
from googleapiclient import discovery, discovery_cache
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload, MediaIoBaseDownload, MediaIoBaseUpload, build_http

from google_auth_checks import TimedRequest, exchange_code, user_credentials
from harness import NOT_RUN, Section, expect, expect_equal, expect_raises
from sandbox import DRIVE_FILE_SCOPE, SIGN_IN_SCOPES, TIMEOUT_SECONDS

SUB = "conformance-drive"
EMAIL = "drive@example.com"
KIB = 1024
# Binary media with what trips multipart parsers: CR, LF, CRLF and dashes.
AWKWARD_BYTES = bytes(range(256)) * 8 + b"\r\n--\r\n--boundary\n\r\n"
# Google's chunk sizes must be multiples of 256 KiB.
CHUNK = 256 * KIB
LARGE = bytes((index * 7 + index // 251) % 256 for index in range(600 * KIB + 123))


def md5(data):
    return hashlib.md5(data).hexdigest()


def build_drive(sandbox, http):
    document = json.loads(discovery_cache.get_static_doc("drive", "v3"))
    document["rootUrl"] = sandbox.api_root_url
    return discovery.build_from_document(document, http=http)


def authorized_http(credentials, **options):
    # build_http(), not a bare httplib2.Http(): it stops httplib2 from taking a resumable upload's
    # 308 "Resume Incomplete" for a redirect, as the library's own default transport does.
    http = build_http()
    http.timeout = TIMEOUT_SECONDS
    return google_auth_httplib2.AuthorizedHttp(credentials, http=http, **options)


def run(sandbox):
    section = Section("python google-api-python-client drive v3")
    scopes = [*SIGN_IN_SCOPES, DRIVE_FILE_SCOPE]
    credentials = section.check("sign in with drive.appdata and drive.file", lambda: signed_in(sandbox, scopes))
    drive = section.check(
        "build_from_document(bundled drive v3 document, rootUrl=sandbox)",
        lambda: build_drive(sandbox, authorized_http(credentials)),
        needs=[credentials],
    )
    section.check(
        "discovery.build(static_discovery=True, client_options api_endpoint) for calls without media",
        lambda: build_with_api_endpoint(sandbox, credentials),
        needs=[credentials],
    )
    app_folder = section.check(
        "files.get('appDataFolder')", lambda: drive.files().get(fileId="appDataFolder").execute(), needs=[drive]
    )
    start = section.check("changes.getStartPageToken", lambda: start_page_token(drive), needs=[drive])

    uploads = Uploads(section, drive, app_folder)
    uploads.run()
    app_data = [drive, *uploads.app_data_files()]
    multipart = [drive, uploads.multipart]
    large = [drive, uploads.resumable_chunked]

    section.check("files.list q/fields/paging with list_next", lambda: list_app_data_in_pages(drive, uploads), needs=app_data)
    section.check("files.list q name = '...'", lambda: list_by_name(drive, uploads), needs=multipart)
    section.check("files.list q appProperties has {...}", lambda: list_by_app_property(drive, uploads), needs=multipart)
    section.check(
        "changes.list spaces=appDataFolder to newStartPageToken",
        lambda: changes_to_new_start(drive, start, uploads),
        needs=[*app_data, start],
    )
    section.check("files.get_media", lambda: download_whole(drive, uploads.resumable_chunked, LARGE), needs=large)
    section.check(
        "MediaIoBaseDownload in chunks smaller than the file",
        lambda: download_in_chunks(drive, uploads.resumable_chunked, LARGE),
        needs=large,
    )
    section.check(
        "files.update appProperties: set, then remove with None", lambda: update_app_properties(drive, uploads), needs=multipart
    )
    section.check(
        "files.delete, then files.get is 404", lambda: delete_then_missing(drive, uploads), needs=[drive, uploads.media_only]
    )
    section.check(
        "an access token Drive rejects (401) is refreshed and the call retried",
        lambda: refreshed_on_401(sandbox, credentials, drive),
        needs=[credentials, drive],
    )
    section.check("HttpError 404 notFound for a missing file", lambda: not_found_error(drive), needs=[drive])
    section.check("HttpError 400 invalid for a malformed q", lambda: invalid_query_error(drive), needs=[drive])
    section.check("HttpError 401 authError for a bad access token", lambda: auth_error(sandbox), needs=[drive])
    return section.failed


def signed_in(sandbox, scopes):
    tokens = exchange_code(sandbox, sandbox.mint_code(SUB, EMAIL, scopes))
    credentials = user_credentials(sandbox, tokens, scopes)
    credentials.refresh(TimedRequest())
    return credentials


def build_with_api_endpoint(sandbox, credentials):
    drive = discovery.build(
        "drive",
        "v3",
        http=authorized_http(credentials),
        static_discovery=True,
        client_options={"api_endpoint": f"{sandbox.api_root_url}drive/v3/"},
    )
    listed = drive.files().list(spaces="appDataFolder", fields="files(id)").execute()
    expect(isinstance(listed.get("files"), list), "files.list answered no files array")


def start_page_token(drive):
    token = drive.changes().getStartPageToken().execute().get("startPageToken")
    expect(token, "no startPageToken")
    return token


class Uploads:
    """Every upload protocol the library speaks, each as one check; what they made feeds later checks."""

    def __init__(self, section, drive, app_folder):
        self.section = section
        self.drive = drive
        self.app_folder = app_folder
        self.multipart = self.multipart_binary = self.media_only = self.media_update = NOT_RUN
        self.resumable_chunked = self.resumable_media_only = self.resumable_update = self.resumable_empty = NOT_RUN
        self.multipart_update = self.resumable_update_with_metadata = NOT_RUN

    def app_data_files(self):
        return [self.multipart, self.multipart_binary, self.resumable_chunked, self.resumable_empty]

    def check(self, name, run, needs=()):
        return self.section.check(name, run, needs=[self.drive, *needs])

    def run(self):
        self.multipart = self.check(
            "multipart upload (metadata + media) into appDataFolder",
            lambda: self.create(
                {"name": "multipart.txt", "parents": ["appDataFolder"], "appProperties": {"kind": "conformance", "a": "1"}},
                MediaInMemoryUpload(b"hello from python\n", mimetype="text/plain", resumable=False),
                b"hello from python\n",
                mime_type="text/plain",
            ),
            needs=[self.app_folder],
        )
        self.multipart_binary = self.check(
            "multipart upload of binary media with CR, LF and dashes",
            lambda: self.create(
                {"name": "binary.bin", "parents": ["appDataFolder"]},
                MediaIoBaseUpload(io.BytesIO(AWKWARD_BYTES), mimetype="application/octet-stream", resumable=False),
                AWKWARD_BYTES,
            ),
            needs=[self.app_folder],
        )
        self.media_only = self.check(
            "media upload without metadata (uploadType=media)",
            lambda: self.create(None, MediaInMemoryUpload(b"just bytes", mimetype="text/plain", resumable=False), b"just bytes"),
        )
        self.media_update = self.check(
            "media upload replacing a file's content (update, uploadType=media)",
            lambda: self.update_content(
                self.media_only, MediaInMemoryUpload(b"new bytes", mimetype="text/plain", resumable=False), b"new bytes"
            ),
            needs=[self.media_only],
        )
        self.multipart_update = self.check(
            "multipart upload replacing content and metadata (update)",
            lambda: self.update_content(
                self.media_update,
                MediaInMemoryUpload(b"renamed bytes", mimetype="text/plain", resumable=False),
                b"renamed bytes",
                metadata={"name": "renamed.txt"},
            ),
            needs=[self.media_update],
        )
        self.resumable_chunked = self.check(
            "resumable upload with metadata in 256 KiB chunks",
            lambda: self.create(
                {"name": "large.bin", "parents": ["appDataFolder"], "appProperties": {"kind": "conformance"}},
                MediaIoBaseUpload(io.BytesIO(LARGE), mimetype="application/octet-stream", chunksize=CHUNK, resumable=True),
                LARGE,
                expect_chunks=3,
            ),
            needs=[self.app_folder],
        )
        self.resumable_media_only = self.check(
            "resumable upload without metadata",
            lambda: self.create(
                None, MediaInMemoryUpload(b"resumable bytes", mimetype="text/plain", resumable=True), b"resumable bytes"
            ),
        )
        self.resumable_update = self.check(
            "resumable upload replacing a file's content (update, no metadata)",
            lambda: self.update_content(
                self.resumable_media_only, MediaInMemoryUpload(b"resumed again", mimetype="text/plain", resumable=True), b"resumed again"
            ),
            needs=[self.resumable_media_only],
        )
        self.resumable_update_with_metadata = self.check(
            "resumable upload replacing content and metadata (update)",
            lambda: self.update_content(
                self.resumable_update,
                MediaInMemoryUpload(b"resumed and renamed", mimetype="text/plain", resumable=True),
                b"resumed and renamed",
                metadata={"name": "resumed.txt", "appProperties": {"step": "2"}},
            ),
            needs=[self.resumable_update],
        )
        self.resumable_empty = self.check(
            "resumable upload of an empty file",
            lambda: self.create(
                {"name": "empty.txt", "parents": ["appDataFolder"]}, MediaInMemoryUpload(b"", mimetype="text/plain", resumable=True), b""
            ),
            needs=[self.app_folder],
        )

    def create(self, metadata, media, content, mime_type=None, expect_chunks=None):
        fields = "id,name,mimeType,size,md5Checksum,parents,appProperties"
        request = self.drive.files().create(body=metadata, media_body=media, fields=fields)
        created, chunks = execute_upload(request, media)
        if expect_chunks is not None:
            expect(chunks >= expect_chunks, f"expected at least {expect_chunks} chunks, sent {chunks}")
        self.expect_content(created, content)
        if metadata:
            expect_equal(created.get("name"), metadata["name"], "name")
            expect_equal(created.get("appProperties"), metadata.get("appProperties"), "appProperties")
            if metadata.get("parents") == ["appDataFolder"]:
                expect_equal(created.get("parents"), [self.app_folder["id"]], "parents")
        if mime_type:
            expect_equal(created.get("mimeType"), mime_type, "mimeType")
        return created

    def update_content(self, file, media, content, metadata=None):
        request = self.drive.files().update(
            fileId=file["id"], body=metadata, media_body=media, fields="id,name,size,md5Checksum,appProperties"
        )
        updated, _ = execute_upload(request, media)
        expect_equal(updated.get("id"), file["id"], "id")
        expect_equal(updated.get("name"), (metadata or {}).get("name", file["name"]), "name")
        if metadata and "appProperties" in metadata:
            expect_equal(updated.get("appProperties"), metadata["appProperties"], "appProperties")
        self.expect_content(updated, content)
        return updated

    @staticmethod
    def expect_content(file, content):
        expect_equal(file.get("size"), str(len(content)), "size")
        expect_equal(file.get("md5Checksum"), md5(content), "md5Checksum")


def execute_upload(request, media):
    """Resumable uploads go chunk by chunk through next_chunk, as the library's docs show."""
    if not media.resumable():
        return request.execute(), 1
    chunks = 0
    response = None
    while response is None:
        _, response = request.next_chunk()
        chunks += 1
    return response, chunks


def list_app_data_in_pages(drive, uploads):
    expected = {file["id"]: file["name"] for file in uploads.app_data_files()}
    files_api = drive.files()
    request = files_api.list(
        spaces="appDataFolder",
        q="'appDataFolder' in parents and trashed = false",
        fields="nextPageToken, files(id, name)",
        pageSize=2,
    )
    seen = {}
    pages = 0
    while request is not None:
        page = request.execute()
        pages += 1
        expect(len(page.get("files", [])) <= 2, "a page holds more than pageSize files")
        for file in page.get("files", []):
            expect_equal(sorted(file), ["id", "name"], "fields of a listed file")
            seen[file["id"]] = file["name"]
        request = files_api.list_next(request, page)
    expect_equal(seen, expected, "files listed over all pages")
    expect(pages >= 2, f"expected several pages, got {pages}")


def list_by_name(drive, uploads):
    listed = drive.files().list(spaces="appDataFolder", q="name = 'multipart.txt'", fields="files(id)").execute()
    expect_equal([file["id"] for file in listed.get("files", [])], [uploads.multipart["id"]], "files named multipart.txt")


def list_by_app_property(drive, uploads):
    listed = drive.files().list(
        spaces="appDataFolder",
        q="appProperties has { key='kind' and value='conformance' }",
        fields="files(id, appProperties)",
        orderBy="name",
    ).execute()
    ids = [file["id"] for file in listed.get("files", [])]
    expected = [uploads.resumable_chunked["id"], uploads.multipart["id"]]
    expect_equal(ids, expected, "files with appProperties kind=conformance, by name")


def changes_to_new_start(drive, start, uploads):
    changes_api = drive.changes()
    request = changes_api.list(
        pageToken=start, spaces="appDataFolder", pageSize=2, fields="nextPageToken,newStartPageToken,changes(fileId,removed)"
    )
    changed = set()
    page = None
    while request is not None:
        page = request.execute()
        changed.update(change["fileId"] for change in page.get("changes", []))
        request = changes_api.list_next(request, page)
    expect(page.get("newStartPageToken"), "the last page has no newStartPageToken")
    expect_equal(changed, {file["id"] for file in uploads.app_data_files()}, "changed files in appDataFolder")
    after = changes_api.list(pageToken=page["newStartPageToken"], spaces="appDataFolder").execute()
    expect_equal(after.get("changes"), [], "changes after newStartPageToken")


def download_whole(drive, file, content):
    data = drive.files().get_media(fileId=file["id"]).execute()
    expect_equal(md5(data), md5(content), "md5 of the downloaded bytes")


def download_in_chunks(drive, file, content):
    buffer = io.BytesIO()
    downloader = MediaIoBaseDownload(buffer, drive.files().get_media(fileId=file["id"]), chunksize=100 * KIB)
    chunks = 0
    done = False
    while not done:
        _, done = downloader.next_chunk()
        chunks += 1
    expect_equal(md5(buffer.getvalue()), md5(content), "md5 of the downloaded bytes")
    expect(chunks > 1, f"the download took {chunks} request(s): Range was not honoured")


def update_app_properties(drive, uploads):
    file_id = uploads.multipart["id"]
    set_ = drive.files().update(fileId=file_id, body={"appProperties": {"b": "2"}}, fields="appProperties").execute()
    expect_equal(set_.get("appProperties"), {"kind": "conformance", "a": "1", "b": "2"}, "appProperties after setting b")
    removed = drive.files().update(fileId=file_id, body={"appProperties": {"a": None}}, fields="appProperties").execute()
    expect_equal(removed.get("appProperties"), {"kind": "conformance", "b": "2"}, "appProperties after removing a")


def delete_then_missing(drive, uploads):
    file_id = uploads.media_only["id"]
    expect_equal(drive.files().delete(fileId=file_id).execute(), "", "files.delete answer")
    error = expect_raises(HttpError, lambda: drive.files().get(fileId=file_id).execute(), "files.get after delete")
    expect_equal(error.resp.status, 404, "status")


def refreshed_on_401(sandbox, credentials, drive):
    before = credentials.token
    sandbox.expire_access_tokens(SUB)
    drive.files().get(fileId="appDataFolder", fields="id").execute()
    expect(credentials.token != before, "the call succeeded without a new access token")


def not_found_error(drive):
    error = expect_raises(HttpError, lambda: drive.files().get(fileId="no-such-file").execute(), "files.get of a missing file")
    expect_equal(error.resp.status, 404, "resp.status")
    expect_equal(error.status_code, 404, "status_code")
    expect_equal(error.reason, "File not found: no-such-file.", "reason")
    expect_equal([detail.get("reason") for detail in error.error_details], ["notFound"], "error_details reasons")


def invalid_query_error(drive):
    error = expect_raises(
        HttpError, lambda: drive.files().list(spaces="appDataFolder", q="name = 'unclosed").execute(), "files.list with a malformed q"
    )
    expect_equal(error.resp.status, 400, "resp.status")
    expect_equal(error.reason, "Invalid Value", "reason")
    expect_equal(
        [(detail.get("reason"), detail.get("location"), detail.get("locationType")) for detail in error.error_details],
        [("invalid", "q", "parameter")],
        "error_details (reason, location, locationType)",
    )


def auth_error(sandbox):
    # A token that is not one, and no refresh: the library must surface Drive's 401 as it is.
    credentials = google.oauth2.credentials.Credentials(token="not-a-real-token")
    drive = build_drive(sandbox, authorized_http(credentials, refresh_status_codes=()))
    error = expect_raises(HttpError, lambda: drive.files().list(spaces="appDataFolder").execute(), "files.list with a bad token")
    expect_equal(error.resp.status, 401, "resp.status")
    expect_equal([detail.get("reason") for detail in error.error_details], ["authError"], "error_details reasons")
