"""Windows and macOS code paths, exercised on any OS: the platform is a parameter, never patched."""

import io
import json
import stat
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from harness.cli import utf8_streams
from harness.doctor import toolchain_checks
from harness.files import locked
from harness.install.cache import default_cache_dir
from harness.install.envs import base_executable, interpreter_from
from harness.install.recipes import artifact_path
from harness.measure.wheelcheck import top_level_modules, wheel_tags
from harness.model.results import RunResult
from harness.process import clean_environment
from harness.report.markdown import cells, escape, render
from harness.report.rows import short_path
from harness.venvs import bin_dir, executable

UV_WINDOWS = r"C:\Users\runneradmin\AppData\Local\uv\cache\builds-v0\.tmpAb12\Scripts\python.exe"
FRAMEWORK = "/Library/Frameworks/Python.framework/Versions"


# -- environments and interpreters -------------------------------------------------------


def test_environment_layout_per_platform() -> None:
    root = Path("env")
    assert bin_dir(root, "win32") == root / "Scripts"
    assert executable(root, "python", "win32") == root / "Scripts" / "python.exe"
    assert executable(root, "uv", "win32") == root / "Scripts" / "uv.exe"
    assert executable(root, "python", "darwin") == root / "bin" / "python"
    assert executable(root, "python", "linux") == root / "bin" / "python"


def facts(**given: object) -> dict[str, object]:
    return {
        "executable": "/w/env/bin/python",
        "base_executable": "/usr/bin/python3.12",
        "prefix": "/w/env",
        "base_prefix": "/usr",
        "platform": "linux",
        "version": "3.12.9",
        "implementation": "cpython",
        "ext_suffix": ".cpython-312-x86_64-linux-gnu.so",
        "gil_disabled": False,
        **given,
    }


def test_base_executable_on_linux_is_what_the_venv_reports() -> None:
    assert base_executable(facts()) == "/usr/bin/python3.12"
    assert base_executable(facts(base_executable=None)) == "/w/env/bin/python", "no attribute: itself"


def test_base_executable_of_a_windows_venv_with_a_redirector() -> None:
    hosted = r"C:\hostedtoolcache\windows\Python\3.12.10\x64\python.exe"
    windows = facts(
        platform="win32",
        executable=r"D:\a\_temp\env\Scripts\python.exe",
        base_executable=hosted,
        prefix=r"D:\a\_temp\env",
        base_prefix=r"C:\hostedtoolcache\windows\Python\3.12.10\x64",
    )
    assert base_executable(windows) == hosted


@pytest.mark.parametrize(
    ("gil_disabled", "version", "expected"),
    [
        (False, "3.10.11", r"C:\Python310\python.exe"),
        (True, "3.14.0", r"C:\Python310\python3.14t.exe"),
    ],
)
def test_base_executable_of_a_windows_env_whose_python_is_a_copy(
    gil_disabled: bool, version: str, expected: str
) -> None:
    # The copy reports itself (any case, either separator) as its base: use the installation's.
    copied = facts(
        platform="win32",
        executable=r"C:\envs\x\Scripts\python.exe",
        base_executable="c:/envs/x/scripts/PYTHON.EXE",
        prefix=r"C:\envs\x",
        base_prefix=r"C:\Python310",
        version=version,
        gil_disabled=gil_disabled,
    )
    assert base_executable(copied) == expected
    outside = {**copied, "prefix": r"C:\Python310"}
    assert base_executable(outside) == "c:/envs/x/scripts/PYTHON.EXE", "not a venv: left alone"


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        # Python 3.10's venvs report the app-bundle binary.
        (
            f"{FRAMEWORK}/3.10/Resources/Python.app/Contents/MacOS/Python",
            f"{FRAMEWORK}/3.10/bin/python3.10",
        ),
        (
            "/Library/Frameworks/PythonT.framework/Versions/3.13/Resources/PythonT.app/Contents/MacOS/PythonT",
            "/Library/Frameworks/PythonT.framework/Versions/3.13/bin/python3.13t",
        ),
        # 3.11+ already report the stub; Homebrew's and others are left alone.
        (f"{FRAMEWORK}/3.12/bin/python3.12", f"{FRAMEWORK}/3.12/bin/python3.12"),
        ("/opt/homebrew/opt/python@3.12/bin/python3.12", "/opt/homebrew/opt/python@3.12/bin/python3.12"),
    ],
)
def test_base_executable_of_a_macos_framework_build(reported: str, expected: str) -> None:
    assert base_executable(facts(platform="darwin", base_executable=reported)) == expected
    assert base_executable(facts(platform="linux", base_executable=reported)) == reported


def test_venvs_of_one_installation_share_a_key() -> None:
    first = facts(
        platform="darwin", base_executable=f"{FRAMEWORK}/3.10/Resources/Python.app/Contents/MacOS/Python"
    )
    second = facts(
        platform="darwin", executable="/other/bin/python", base_executable=f"{FRAMEWORK}/3.10/bin/python3.10"
    )
    assert interpreter_from(first).key == interpreter_from(second).key
    assert interpreter_from(facts(gil_disabled=True)).key.startswith("cpython312t-")
    assert interpreter_from(facts(ext_suffix=None)).ext_suffix == ""


# -- wheels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "tags"),
    [
        ("pyo3_ext-0.1.0-cp312-cp312-win_amd64.whl", "cp312-cp312-win_amd64"),
        ("pyo3_ext-0.1.0-cp312-cp312-macosx_11_0_arm64.whl", "cp312-cp312-macosx_11_0_arm64"),
        ("pyo3_ext-0.1.0-cp314-cp314t-macosx_10_12_x86_64.whl", "cp314-cp314t-macosx_10_12_x86_64"),
        ("cffi_style-0.1.0-cp39-abi3-win_amd64.whl", "cp39-abi3-win_amd64"),
        (
            "pyo3_ext-0.1.0-1-cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "cp313-cp313t-manylinux_2_17_x86_64.manylinux2014_x86_64",
        ),
    ],
)
def test_wheel_tags_on_every_platform(filename: str, tags: str) -> None:
    assert wheel_tags(filename) == tags


@pytest.mark.parametrize(
    "extension",
    [
        "pyo3_ext.cp312-win_amd64.pyd",
        "pyo3_ext.pyd",
        "pyo3_ext.cpython-312-darwin.so",
        "pyo3_ext.cpython-314t-darwin.so",
        "pyo3_ext.abi3.so",
    ],
)
def test_extension_modules_are_found_on_every_platform(extension: str, tmp_path: Path) -> None:
    wheel = tmp_path / "pyo3_ext-0.1.0-cp312-cp312-win_amd64.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(extension, b"")
        zf.writestr("pkg/__init__.py", "")
        zf.writestr("pkg/_native.cp312-win_amd64.pyd", b"")
        zf.writestr("pyo3_ext-0.1.0.dist-info/METADATA", "")
    assert top_level_modules(wheel) == ["pkg", "pyo3_ext"]


# -- reports -----------------------------------------------------------------------------


def test_short_path_on_windows_keeps_the_informative_tail_and_separator() -> None:
    assert short_path(UV_WINDOWS) == r"...\builds-v0\.tmpAb12\Scripts\python.exe"
    assert short_path(r"C:\Users\RUNNER~1\AppData\Local\Temp\build-env-x8m0\Scripts\python.exe") == (
        r"...\Temp\build-env-x8m0\Scripts\python.exe"
    )
    assert short_path(r"C:\Python312\python.exe") == r"C:\Python312\python.exe"
    mixed = "C:/Users/me/AppData/Local/uv/cache/builds-v0/.tmpAb12/Scripts/python.exe"
    assert short_path(mixed) == ".../builds-v0/.tmpAb12/Scripts/python.exe"
    assert short_path(UV_WINDOWS, keep=3) == r"...\.tmpAb12\Scripts\python.exe"
    assert short_path("1") == "1"


def test_windows_causes_survive_markdown(fixtures: Path) -> None:
    recorded = RunResult.from_json(json.loads((fixtures / "uv-pyo3-ext.results.json").read_text()))
    stock = next(c for c in recorded.cells if c.strategy == "stock")
    warm = stock.build("warm")
    assert warm is not None
    index = next(i for i, c in enumerate(warm.causes) if c.kind == "env")
    new = UV_WINDOWS.replace(".tmpAb12", ".tmpCd34")
    warm.causes[index] = replace(warm.causes[index], old=UV_WINDOWS, new=new)
    row = next(line for line in cells(recorded).splitlines() if "| stock |" in line)
    # Doubled, so GitHub shows one backslash (and keeps the one before ".tmp").
    assert (
        r"PYO3_PYTHON changed: ...\\builds-v0\\.tmpAb12\\Scripts\\python.exe → ...\\builds-v0\\.tmpCd34"
        in row
    )
    assert escape(r"a\.b") == r"a\\.b"
    details = render(recorded)
    assert r"cause: PYO3_PYTHON changed: C:\\Users\\runneradmin\\AppData" in details


def test_utf8_output_on_windows() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    utf8_streams([stream], platform="linux")
    with pytest.raises(UnicodeEncodeError):
        stream.write("→")
    utf8_streams([stream], platform="win32")
    stream.write("PYO3_PYTHON changed: a → b")
    stream.flush()
    assert raw.getvalue().decode("utf-8").endswith("a → b")


# -- process environments ----------------------------------------------------------------


def test_environment_names_fold_case_on_windows_only() -> None:
    environ = {
        "Path": r"C:\Windows;C:\Rust\bin",
        "SystemRoot": r"C:\Windows",
        "Pyo3_Python": r"C:\x\python.exe",
        "virtual_env": r"C:\venv",
        "Pip_Index_Url": "http://x",
        "cargo_target_dir": r"C:\t",
        "__PYVENV_LAUNCHER__": "/x",
    }
    assert clean_environment(environ, platform="win32") == {
        "PATH": r"C:\Windows;C:\Rust\bin",
        "SYSTEMROOT": r"C:\Windows",
    }
    # POSIX names are case-sensitive: pyo3 never reads Pyo3_Python there.
    kept = clean_environment(environ, platform="linux")
    assert "Pyo3_Python" in kept and "virtual_env" in kept and "__PYVENV_LAUNCHER__" not in kept
    assert clean_environment({"__PYVENV_LAUNCHER__": "/x", "HOME": "/h"}, platform="darwin") == {"HOME": "/h"}


# -- caches and locks --------------------------------------------------------------------


def test_default_cache_dir_per_platform() -> None:
    home = Path("/home/me")
    assert default_cache_dir({"PYO3_HARNESS_CACHE": "/c"}, "win32", home) == Path("/c")
    local = r"C:\Users\me\AppData\Local"
    assert (
        default_cache_dir({"LOCALAPPDATA": local}, "win32", home)
        == Path(local) / "pyo3-frontend-harness" / "Cache"
    )
    assert (
        default_cache_dir({}, "win32", home) == home / "AppData" / "Local" / "pyo3-frontend-harness" / "Cache"
    )
    assert default_cache_dir({}, "darwin", home) == home / "Library" / "Caches" / "pyo3-frontend-harness"
    assert default_cache_dir({}, "linux", home) == home / ".cache" / "pyo3-frontend-harness"
    assert default_cache_dir({"XDG_CACHE_HOME": "/x"}, "linux", home) == Path("/x/pyo3-frontend-harness")


def test_locked_excludes_other_holders(tmp_path: Path) -> None:
    # Two handles (as two processes would have) on one lock: the second waits for the first.
    order: list[str] = []
    first_in = threading.Event()

    def hold() -> None:
        with locked(tmp_path / "entry"):
            order.append("first in")
            first_in.set()
            time.sleep(0.3)
            order.append("first out")

    holder = threading.Thread(target=hold)
    holder.start()
    first_in.wait(5)
    with locked(tmp_path / "entry"):
        order.append("second in")
    holder.join()
    assert order == ["first in", "first out", "second in"]
    assert (tmp_path / "entry.lock").exists()


# -- tools built here --------------------------------------------------------------------


def test_recipe_binaries_get_exe_on_windows() -> None:
    assert artifact_path(Path("target/fast-build/uv"), "win32") == Path("target/fast-build/uv.exe")
    assert artifact_path(Path("target/fast-build/uv"), "darwin") == Path("target/fast-build/uv")
    assert artifact_path(Path("dist/x.whl"), "win32") == Path("dist/x.whl")


def test_windows_compiler_check_finds_msvc_through_vswhere(tmp_path: Path) -> None:
    installer = tmp_path / "Microsoft Visual Studio" / "Installer"
    installer.mkdir(parents=True)
    env = {"Path": str(tmp_path / "nothing"), "ProgramFiles(x86)": str(tmp_path)}
    [compiler] = [c for c in toolchain_checks(env, platform="win32") if c.name == "C compiler"]
    assert not compiler.ok and "vswhere.exe" in compiler.detail and "Build Tools" in compiler.fix

    # A stand-in vswhere that answers as the real one does when the C++ tools are installed.
    vswhere = installer / "vswhere.exe"
    vswhere.write_text('#!/bin/sh\necho "C:\\\\BuildTools"\n')
    vswhere.chmod(vswhere.stat().st_mode | stat.S_IEXEC)
    [compiler] = [c for c in toolchain_checks(env, platform="win32") if c.name == "C compiler"]
    assert compiler.ok, compiler
    assert "MSVC C++ tools in C:\\BuildTools" in compiler.detail

    vswhere.write_text("#!/bin/sh\nexit 0\n")  # installed, but without the C++ workload
    [compiler] = [c for c in toolchain_checks(env, platform="win32") if c.name == "C compiler"]
    assert not compiler.ok and "finds no Visual Studio with the C++ tools" in compiler.detail


def test_macos_compiler_fix_names_xcode(tmp_path: Path) -> None:
    [compiler] = [c for c in toolchain_checks({"PATH": str(tmp_path)}, "darwin") if c.name == "C compiler"]
    assert not compiler.ok and "xcode-select --install" in compiler.fix
