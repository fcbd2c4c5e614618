"""The file helpers every layer uses: fill a folder once, download and verify, write atomically."""

import hashlib
import re
import tarfile
import threading
from pathlib import Path

import pytest

from harness.errors import HarnessError, Unreachable
from harness.files import (
    digest,
    download_verified,
    filled_once,
    locked,
    record_sha256,
    unlike_recorded,
    unpack_one_directory,
    write_atomic,
    write_set,
)


def test_a_folder_is_filled_once_and_again_after_a_killed_fill(tmp_path: Path) -> None:
    calls = []

    def fill(dest: Path) -> str:
        calls.append(dest)
        dest.mkdir()
        (dest / "data").write_text("x")
        return "note"

    dest = tmp_path / "entry"
    assert filled_once(dest, fill) == dest
    assert filled_once(dest, fill) == dest
    assert len(calls) == 1 and (dest / ".harness-complete").read_text() == "note"
    (dest / ".harness-complete").unlink()  # what a run killed mid-fill leaves
    (dest / "stale").write_text("half")
    filled_once(dest, fill)
    assert len(calls) == 2 and not (dest / "stale").exists(), "a half-filled folder is emptied first"
    filled_once(dest, fill, refresh=True)
    assert len(calls) == 3


def test_a_fill_that_marks_itself_must_write_its_marker(tmp_path: Path) -> None:
    def fill(dest: Path) -> None:
        dest.mkdir()
        (dest / "Cargo.toml").write_text("[package]\n")

    assert (filled_once(tmp_path / "crate", fill, marker="Cargo.toml") / "Cargo.toml").exists()

    def forgetful(dest: Path) -> None:
        dest.mkdir()

    with pytest.raises(HarnessError, match=r"filled without its Cargo\.toml"):
        filled_once(tmp_path / "other", forgetful, marker="Cargo.toml")


def test_an_archive_with_one_directory_is_unpacked_as_the_destination(tmp_path: Path) -> None:
    (tmp_path / "pkg-1.0").mkdir()
    (tmp_path / "pkg-1.0" / "setup.py").write_text("")
    archive = tmp_path / "pkg-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "pkg-1.0", arcname="pkg-1.0")
    assert unpack_one_directory(archive, tmp_path / "out")
    assert (tmp_path / "out" / "setup.py").exists()
    with tarfile.open(tmp_path / "two.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "pkg-1.0" / "setup.py", arcname="a.py")
        tar.add(tmp_path / "pkg-1.0" / "setup.py", arcname="b.py")
    assert not unpack_one_directory(tmp_path / "two.tar.gz", tmp_path / "bad")
    assert not (tmp_path / "bad").exists() and not (tmp_path / "bad.staging").exists()


def test_a_stored_archive_with_the_right_sha256_is_not_downloaded_again(tmp_path: Path) -> None:
    archive = tmp_path / "x.crate"
    archive.write_bytes(b"crate bytes")
    expected = hashlib.sha256(b"crate bytes").hexdigest()
    # An unreachable URL proves no download was attempted.
    assert download_verified("http://127.0.0.1:9/x.crate", expected, archive, what="index") == archive
    with pytest.raises(Unreachable, match=re.escape("cannot reach http://127.0.0.1:9/x.crate (")):
        download_verified("http://127.0.0.1:9/x.crate", "0" * 64, archive, what="index")


def test_atomic_writes_and_digests(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "results.json"
    write_atomic(path, "one")
    write_atomic(path, "two")
    assert path.read_text() == "two" and sorted(p.name for p in path.parent.iterdir()) == ["results.json"]
    assert digest("a", 1) == digest("a", "1") != digest("a", 2)
    assert len(digest("anything")) == 12


def test_a_set_of_files_is_written_all_or_none(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text("old results")
    (tmp_path / "report.md").write_text("old report")
    (tmp_path / "blocker").write_text("a file where a directory must be")
    with pytest.raises(OSError):
        write_set(
            {
                tmp_path / "results.json": "new results",
                tmp_path / "report.md": "new report",
                tmp_path / "blocker" / "report.html": "new page",
            }
        )
    assert (tmp_path / "results.json").read_text() == "old results"
    assert (tmp_path / "report.md").read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "report.md", "results.json"]
    write_set({tmp_path / "results.json": "new results", tmp_path / "sub" / "report.md": "new report"})
    assert (tmp_path / "results.json").read_text() == "new results"
    assert (tmp_path / "sub" / "report.md").read_text() == "new report"


def test_a_held_lock_makes_the_next_holder_wait_and_say_so(tmp_path: Path) -> None:
    target = tmp_path / "work" / "cell"
    order: list[str] = []
    said: list[str] = []
    first_in, release = threading.Event(), threading.Event()

    def first() -> None:
        with locked(target):
            order.append("first")
            first_in.set()
            release.wait(10)

    holder = threading.Thread(target=first)
    holder.start()
    first_in.wait(10)
    threading.Timer(0.3, release.set).start()
    with locked(target, waiting=lambda: said.append("waiting")):
        order.append("second")
    holder.join()
    assert order == ["first", "second"] and said == ["waiting"]
    with locked(target, waiting=lambda: said.append("again")):
        pass
    assert said == ["waiting"], "a free lock is taken without a word"


def test_a_marker_without_its_content_is_said_and_filled_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = []

    def fill(dest: Path) -> str:
        calls.append(dest)
        (dest / "sub").mkdir(parents=True)
        (dest / "sub" / "data").write_text("x")
        return "note"

    dest = filled_once(tmp_path / "entry", fill)
    (dest / "sub" / "data").unlink()  # the marker stays, the content is gone
    assert filled_once(dest, fill) == dest and len(calls) == 2 and (dest / "sub" / "data").exists()
    said = capsys.readouterr().err
    assert f"{dest} is incomplete: 1 of its 2 files are missing (sub/data first); filling it again" in said
    (tmp_path / "entry.contents.json").unlink()  # an entry an older harness filled
    filled_once(dest, fill)
    assert len(calls) == 3 and "it has no list of its files" in capsys.readouterr().err
    filled_once(dest, fill)
    assert len(calls) == 3 and capsys.readouterr().err == "", "a whole entry is used as it is"


def test_a_recorded_file_cut_short_or_missing_is_told_apart(tmp_path: Path) -> None:
    """The check a compiled uv goes through before every use (unit-tested alone: compiling
    uv again costs minutes)."""
    binary = tmp_path / "uv"
    assert unlike_recorded(binary) == "", "nothing recorded"
    binary.write_bytes(b"\x7fELF" + b"\0" * 100)
    record_sha256(binary)
    assert unlike_recorded(binary) is None
    binary.write_bytes(b"\x7fELF")
    assert unlike_recorded(binary) == (
        "it does not match the sha256 recorded when it was built (truncated or altered)"
    )
    binary.unlink()
    assert unlike_recorded(binary) == "it is missing"
