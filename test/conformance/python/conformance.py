"""The Python half of `npm run conformance`: Google's own Python client libraries, unchanged apart
from URLs, against a running sandbox Google (SANDBOX_URL, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET).
Prints one PASS/FAIL line per check; scripts/conformance.ts counts them and sums up.
Exits 0 when every check passed, 1 otherwise. `--traceback` prints where unexpected errors came from.
"""

import sys

import drive_checks
import google_auth_checks
import oauth2client_sample
from sandbox import Sandbox


def main():
    sandbox = Sandbox.from_environment()
    failed = 0
    for section in (oauth2client_sample, google_auth_checks, drive_checks):
        failed += section.run(sandbox)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
