"""Named checks, one printed line each.

The line format is what scripts/conformance.ts counts: ``PASS  <section> > <check>`` or
``FAIL  <section> > <check>: <why>``. A check that needs the result of one that failed is reported
as failed too (not run), so the count of checks never depends on what broke first.
Nothing printed here may carry a token or a code: failures name the exception and its message,
and the messages below only ever show statuses, reasons, ids and names.
"""

import sys
import traceback

NOT_RUN = object()


class CheckFailed(AssertionError):
    """A check's own assertion, as opposed to a library raising something unexpected."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def expect_equal(actual, expected, what):
    if actual != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}")


def expect_raises(exception_type, call, what):
    """Runs ``call`` and returns the exception it raised, which must be an ``exception_type``."""
    try:
        call()
    except exception_type as error:
        return error
    raise CheckFailed(f"{what}: expected {exception_type.__name__}, nothing was raised")


class Section:
    def __init__(self, name):
        self.name = name
        self.failed = 0

    def check(self, name, run, needs=()):
        """Runs ``run()``; returns its result, or NOT_RUN when it (or a check it needs) failed."""
        if any(value is NOT_RUN for value in needs):
            self._report(False, name, "not run: a check it builds on failed")
            return NOT_RUN
        try:
            result = run()
        except Exception as error:  # every failure is a reported result, never a crash
            self._report(False, name, describe(error))
            if not isinstance(error, CheckFailed) and "--traceback" in sys.argv:
                traceback.print_exc(file=sys.stdout)
            return NOT_RUN
        self._report(True, name)
        return result

    def _report(self, passed, name, why=None):
        if not passed:
            self.failed += 1
        line = f"{'PASS' if passed else 'FAIL'}  {self.name} > {name}"
        print(line if passed else f"{line}: {why}", flush=True)


def describe(error):
    text = str(error).replace("\n", " ")
    if len(text) > 300:
        text = text[:300] + "..."
    return text if isinstance(error, CheckFailed) else f"{type(error).__name__}: {text}"
