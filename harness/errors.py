"""Errors the CLI turns into a message and an exit code (never a traceback)."""

from __future__ import annotations

import errno


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


# How a full disk (or a spent quota) shows: the errno Python raises, and the words tools print
# (C's strerror, Rust's "No space left on device (os error 28)", Python's "[Errno 28]").
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_NO_SPACE_WORDS = ("No space left on device", "Disk quota exceeded")


def says_no_space(text: str) -> bool:
    """Whether a tool's output says it ran out of disk space."""
    return any(words in text for words in _NO_SPACE_WORDS)


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, NoSpace) or (isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS)


class NoSpace(HarnessError):
    """A disk filled up: the run stops (every later build would fail the same way) and keeps its
    finished cells; ``kept`` says where. The CLI names the fullest directory it was given."""

    exit_code = 3

    def __init__(self, detail: str, kept: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.kept = kept


# How an unreachable index, proxy or download shows in the output of pip, uv and cargo.
_UNREACHABLE_WORDS = (
    "Failed to establish a new connection",
    "Cannot connect to proxy",
    "connection broken by",
    "Connection aborted",
    "RemoteDisconnected",
    "Read timed out",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Couldn't connect to server",
    "Could not connect to server",
    "spurious network error",
    "Could not resolve host",
    "Couldn't resolve host name",
)
OFFLINE_ADVICE = (
    "check the network connection or the proxy settings (HTTPS_PROXY) and run again; "
    "what the cache already holds still serves offline"
)


def unreachable_line(text: str) -> str | None:
    """The first line of a tool's output that says the network failed it, or None."""
    return next(
        (line.strip() for line in text.splitlines() if any(w in line for w in _UNREACHABLE_WORDS)), None
    )


class Unreachable(HarnessError):
    """An index, a proxy or a download could not be reached: the message names it and says what
    to do. A cell that needed it fails; set-up every cell needs stops the run."""

    exit_code = 4
