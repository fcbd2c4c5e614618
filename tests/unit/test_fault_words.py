"""How a full disk and an unreachable network are told from the words tools print (lines
recorded from the e2e fault tests: pip through a refusing proxy, cargo and pip on a full tmpfs)."""

from harness.errors import says_no_space, unreachable_line

PIP_REFUSED = (
    "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after "
    "connection broken by 'NewConnectionError(\"HTTPSConnection(host='127.0.0.1', port=9): Failed to "
    "establish a new connection: [Errno 111] Connection refused\")': /simple/pip/"
)


def test_an_unreachable_index_is_told_by_its_first_line() -> None:
    output = f"Collecting pip==23.3.2\n{PIP_REFUSED}\nERROR: No matching distribution found for pip==23.3.2\n"
    assert unreachable_line(output) == PIP_REFUSED
    assert unreachable_line("ERROR: No matching distribution found for pip==99.99.99\n") is None


def test_a_full_disk_is_told_from_any_tool() -> None:
    assert says_no_space("error: failed to write bytecode: No space left on device (os error 28)")
    assert says_no_space(
        "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device"
    )
    assert not says_no_space("error[E0425]: cannot find value `space` in this scope")
