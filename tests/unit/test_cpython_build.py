"""A free-threaded CPython compiled into the cache: the configure line, what apt and dpkg say,
the interpreter's own answer to the check, and the decision "installed here, cached, or
compiled", fed with output recorded on this project's machine (tests/fixtures/cpython-build/)."""

import json
import os
import shlex
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError, Unreachable, UsageError
from harness.install import cpython_build, debian_source
from harness.install.cache import Cache
from harness.install.cpython_build import check_problem, configure_arguments, parse_check
from harness.install.envs import Interpreter, probe
from harness.install.second_python import check_switch, find_version
from harness.process import clean_environment

GIL_ON = "it runs with the GIL enabled (sys._is_gil_enabled() is True)"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "cpython-build"
BUILT = "/tmp/h17t-cache/python/3.13t-3.13.15"  # where the recorded interpreter was compiled


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_configure_is_upstreams_free_threaded_build_into_the_cache_entry() -> None:
    # What the compiled interpreter says it was configured with (sysconfig's CONFIG_ARGS).
    recorded = shlex.split(_text("config-args-3.13t.txt"))
    assert configure_arguments(Path(BUILT)) == ["./configure", *recorded]


@pytest.mark.parametrize(
    ("recorded", "minor", "problem"),
    [
        ("check-python3.13t.json", "3.13", None),
        ("check-python3.13t.json", "3.14", "it is CPython 3.13.15, not 3.14"),
        ("check-python3.13t-gil1.json", "3.13", GIL_ON),
        ("check-python3.13.json", "3.13", "it was not built free-threaded (Py_GIL_DISABLED is not 1)"),
        ("check-python3.12.json", "3.12", "it was not built free-threaded (Py_GIL_DISABLED is not 1)"),
    ],
)
def test_the_check_reads_what_the_interpreter_says_of_its_threading(
    recorded: str, minor: str, problem: str | None
) -> None:
    assert check_problem(parse_check(_text(recorded)), minor) == problem


def test_an_interpreter_that_does_not_answer_is_not_usable() -> None:
    assert parse_check("") is None
    assert check_problem(parse_check("Traceback (most recent call last):\n  ..."), "3.14") == (
        "it did not run, or did not answer the check"
    )
    answer = json.loads(_text("check-python3.13t.json"))
    found = parse_check(json.dumps({**answer, "missing": ["ssl"]}))
    said = "it cannot import ssl (a -dev package was missing when it was built)"
    assert check_problem(found, "3.13") == said


def test_the_check_code_asks_before_importing_anything_that_could_turn_the_gil_on() -> None:
    code = cpython_build.CHECK_CODE
    assert code.index("_is_gil_enabled") < code.index("__import__(name)")
    assert "('ssl', 'zlib', '_ctypes')" in code


def test_free_threaded_builds_exist_from_3_13() -> None:
    assert [m for m in ("3.12", "3.13", "3.14", "3.15", "x.y") if cpython_build.buildable(m)] == [
        "3.13",
        "3.14",
        "3.15",
    ]


def test_dpkg_query_names_the_missing_build_packages() -> None:
    wanted = [*debian_source.BUILD_PACKAGES, "libmpdec-dev"]
    assert debian_source.missing_packages(_text("dpkg-query.txt"), wanted) == ["libmpdec-dev"]
    assert debian_source.missing_packages("libssl-dev rc\n", ["libssl-dev"]) == ["libssl-dev"]


def test_the_versions_apt_offers_come_newest_first() -> None:
    assert debian_source.showsrc_versions(_text("showsrc-python3.14.txt"), "python3.14") == [
        "3.14.10-1",
        "3.14.9-1",
        "3.14.8-1",
    ]
    assert debian_source.showsrc_versions(_text("showsrc-no-deb-src.txt"), "python3.14") == []


@pytest.mark.parametrize(
    ("older", "newer"),
    # Each pair as `dpkg --compare-versions OLDER lt NEWER` orders it (checked on Debian 12).
    [
        ("3.14.0~rc3-1", "3.14.0-1"),
        ("3.14.0-1", "3.14.0-1+b1"),
        ("3.13.5-2+deb13u5", "3.13.15-1"),
        ("2.0-1", "1:1.0-1"),
        ("3.14.9-1", "3.14.10-1"),
        ("1.0-1", "1.0a-1"),
        ("1.0-1", "1.0.1-1"),
    ],
)
def test_debian_versions_sort_as_dpkg_sorts_them(older: str, newer: str) -> None:
    assert debian_source.version_key(older) < debian_source.version_key(newer)


def test_the_upstream_tarball_is_found_among_the_source_packages_files() -> None:
    files = debian_source.parse_print_uris(_text("print-uris-python3.13.txt"))
    assert [f.name.rsplit(".", 1)[-1] for f in files] == ["dsc", "xz", "asc", "xz"]
    orig = debian_source.orig_tarball(files)
    assert orig is not None and orig.name == "python3.13_3.13.18.orig.tar.xz"  # not its signature
    assert debian_source.upstream_version(orig.name) == "3.13.18"
    orig = debian_source.orig_tarball(debian_source.parse_print_uris(_text("print-uris-python3.14.txt")))
    assert orig is not None and orig.size == 24240392
    assert orig.sha256 == "de414a57119abef52784d8993e341d53aed635fc2b05c2607d9f98a2c5b72032"


def test_a_mirror_that_does_not_hold_the_source_is_its_answer_not_the_network() -> None:
    failure = debian_source.fetch_failure(_text("apt-source-404.log"), "python3.14=3.14.10-1")
    assert not isinstance(failure, Unreachable)
    assert str(failure) == (
        "apt-get could not download python3.14=3.14.10-1: "
        "http://deb.debian.org/debian/pool/main/p/python3.14/python3.14_3.14.10.orig.tar.xz: 404 Not Found"
    )
    offline = debian_source.fetch_failure(_text("apt-source-unreachable.log"), "python3.13=3.13.15-1")
    assert isinstance(offline, Unreachable) and offline.exit_code == 4
    assert "Could not connect to 127.0.0.1:9" in str(offline)


# --- the decision: installed here, cached, or compiled -------------------------------------


def _fake_python(path: Path) -> Path:
    """An executable answering the probe and the check as the compiled 3.13t did (its recorded
    answers, with the path it was compiled at replaced by its own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    probe_json, check_json = FIXTURES / "probe-python3.13t.json", FIXTURES / "check-python3.13t.json"
    path.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *_is_gil_enabled*) cat {check_json} ;;\n'
        f'  *) sed "s|{BUILT}/bin/python3.13t|$0|g; s|{BUILT}|{path.parents[1]}|g" {probe_json} ;; esac\n'
    )
    path.chmod(0o755)
    return path


def _machine(tmp_path: Path, *, apt: bool = False) -> dict[str, str]:
    """An environment whose PATH and pyenv hold no python (and no apt unless asked)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for tool in ("sh", "cat", "sed") + (("apt-get", "apt-cache", "dpkg-query") if apt else ()):
        (bin_dir / tool).symlink_to(f"/usr/bin/{tool}")
    return {
        **clean_environment(os.environ),
        "PATH": str(bin_dir),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        "HOME": str(tmp_path),
    }


def _primary(env: dict[str, str]) -> Interpreter:
    return probe(sys.executable, env)


def _cached_entry(cache: Cache) -> Path:
    prefix = cache.root / "python" / "3.13t-3.13.15"
    python = _fake_python(prefix / "bin" / "python3.13t")
    (prefix / ".harness-complete").write_text("{}")
    prefix.with_name(prefix.name + ".contents.json").write_text(json.dumps(["bin/python3.13t"]))
    return python


def test_a_free_threaded_python_installed_here_is_taken_and_nothing_is_compiled(tmp_path: Path) -> None:
    env = _machine(tmp_path)
    installed = _fake_python(tmp_path / "pyenv" / "versions" / "3.13.15t" / "bin" / "python3.13t")
    cache = Cache(tmp_path / "cache")
    found = find_version("3.13t", _primary(env), env, cache=cache, compile=True)
    assert found.executable == str(installed) and found.gil_disabled
    assert not (cache.root / "python").exists()


def test_one_found_nowhere_but_in_the_cache_is_the_cached_one(tmp_path: Path) -> None:
    env = _machine(tmp_path)
    cache = Cache(tmp_path / "cache")
    python = _cached_entry(cache)
    found = find_version("3.13t", _primary(env), env, cache=cache)
    assert found.executable == str(python) and found.version == "3.13.15"


def test_a_cached_one_that_runs_with_the_gil_is_said_and_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = _machine(tmp_path)
    cache = Cache(tmp_path / "cache")
    python = _cached_entry(cache)
    python.write_text(f"#!/bin/sh\ncat {FIXTURES / 'check-python3.13t-gil1.json'}\n")
    assert cpython_build.cached(cache, "3.13", env) is None
    assert "cannot be used: it runs with the GIL enabled" in capsys.readouterr().err
    assert not python.exists()


def test_one_found_nowhere_is_compiled_only_when_asked(tmp_path: Path) -> None:
    env = _machine(tmp_path)  # no apt: a compile would stop at once, saying why
    cache = Cache(tmp_path / "cache")
    with pytest.raises(UsageError, match=r"--switch-python 3\.13t: no CPython 3\.13t other than"):
        find_version("3.13t", _primary(env), env, cache=cache)  # a default run's question
    with pytest.raises(HarnessError, match=r"cannot be compiled here: .*apt-get is not here"):
        find_version("3.13t", _primary(env), env, cache=cache, compile=True)


def test_the_command_line_accepts_a_version_only_this_machine_can_compile(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    env = _machine(tmp_path)
    with pytest.raises(UsageError, match=r"cannot be compiled: .*apt-get is not here; accepted: a path"):
        check_switch("3.14t", _primary(env), env, cache)
    with pytest.raises(UsageError, match=r"has no free-threaded build \(it came with 3\.13\)"):
        check_switch("3.12t", _primary(env), env, cache)
    with pytest.raises(UsageError, match=r"no CPython 3\.12 other than --python's"):
        check_switch("3.12", _primary(env), env, cache)  # a GIL version is never compiled
    if debian_source.is_root() or not debian_source.packages_missing(clean_environment(os.environ)):
        check_switch("3.14t", _primary(env), _machine(tmp_path / "apt", apt=True), cache)  # will compile
    assert not (cache.root / "python").exists(), "the check compiles nothing"
