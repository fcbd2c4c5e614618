"""Errors the CLI turns into a message and an exit code (never a traceback)."""

from __future__ import annotations


class HarnessError(Exception):
    """A failure the user can act on. ``exit_code`` follows the CLI's documented codes."""

    exit_code = 1


class UsageError(HarnessError):
    """Bad input on the command line: unknown names, malformed values."""

    exit_code = 2


def unknown_name(what: str, given: str, accepted: list[str] | tuple[str, ...]) -> UsageError:
    return UsageError(f"unknown {what} {given!r}; accepted: {', '.join(accepted)}")


class Stopped(KeyboardInterrupt):
    """A signal that asks the harness to stop (SIGINT, SIGTERM, SIGHUP): unwinds like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Interrupted(HarnessError):
    """The run was stopped by a signal; finished cells were kept. Exits 128 + the signal."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code
