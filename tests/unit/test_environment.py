from pathlib import Path

import pytest

from harness.install.envs import Interpreter, PythonEnv
from harness.install.frontends import FRONTENDS, BuildOptions, BuildPaths, Installed
from harness.pins import load_pins
from harness.process import clean_environment, compile_settings
from harness.workbench.strategies import STRATEGIES, StrategyContext

INTERPRETER = Interpreter(
    executable="/envs/pip/bin/python",
    base_executable="/usr/local/bin/python3.11",
    version="3.11.7",
    implementation="cpython",
    ext_suffix=".cpython-311-x86_64-linux-gnu.so",
    gil_disabled=False,
)
PATHS = BuildPaths(
    source=Path("/w/src"), outdir=Path("/w/dist"), wheelhouse=Path("/wh"), uv_cache=Path("/uvc")
)


def installed(name: str) -> Installed:
    return Installed(
        frontend=FRONTENDS[name],
        version="1",
        env=PythonEnv(Path("/envs/x"), ()),
        source="test",
        interpreter=INTERPRETER,
    )


def test_clean_environment_drops_what_steers_the_build() -> None:
    environ = {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "CARGO_HOME": "/c",
        "RUSTUP_TOOLCHAIN": "1.95",
        "PYO3_PYTHON": "/x",
        "PYO3_BASE_PYTHON": "/y",
        "PYO3_CONFIG_FILE": "/z",
        "VIRTUAL_ENV": "/venv",
        "CARGO_TARGET_DIR": "/t",
        "MATURIN_PEP517_USE_BASE_PYTHON": "1",
        "PIP_INDEX_URL": "http://x",
        "UV_INDEX_URL": "http://x",
        "PYTHONPATH": "/p",
    }
    assert clean_environment(environ) == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "CARGO_HOME": "/c",
        "RUSTUP_TOOLCHAIN": "1.95",
    }


def test_exported_strategy_exports_the_base_interpreter() -> None:
    ctx = StrategyContext(frontend_python=INTERPRETER, workdir=Path("/w"))
    assert STRATEGIES["exported"].environment(ctx) == {"PYO3_BASE_PYTHON": "/usr/local/bin/python3.11"}
    assert STRATEGIES["exported"].base_support
    assert STRATEGIES["stock"].environment(ctx) == {}
    assert not STRATEGIES["stock"].base_support


def test_frontend_invocations_are_offline_and_explicit() -> None:
    pip = FRONTENDS["pip"].invocation(installed("pip"), PATHS, BuildOptions())
    assert pip.argv[:4] == ["/envs/x/bin/python", "-m", "pip", "wheel"]
    assert "--no-index" in pip.argv and "/wh" in pip.argv and pip.argv[-1] == "/w/src"
    assert not any(a.startswith("--use-feature") for a in pip.argv)

    venv = FRONTENDS["pip-venv"].invocation(installed("pip-venv"), PATHS, BuildOptions())
    assert "--use-feature=venv-isolation" in venv.argv

    build = FRONTENDS["build"].invocation(installed("build"), PATHS, BuildOptions())
    assert build.argv[1:3] == ["-m", "build"] and "--wheel" in build.argv
    assert build.env == {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "/wh"}

    uv = FRONTENDS["uv"].invocation(installed("uv"), PATHS, BuildOptions())
    assert uv.argv[0] == "/envs/x/bin/uv" and uv.argv[1:3] == ["build", "--wheel"]
    assert uv.argv[uv.argv.index("--python") + 1] == "/envs/x/bin/python"
    assert uv.env == {"UV_CACHE_DIR": "/uvc"}


def test_frontend_requirements() -> None:
    pins = load_pins()
    assert (
        FRONTENDS["pip"].requirements(pins)
        == FRONTENDS["pip-venv"].requirements(pins)
        == [f"pip=={pins.frontends['pip']}"]
    )
    assert FRONTENDS["uv"].requirements(pins) == [f"uv=={pins.frontends['uv']}"]
    assert FRONTENDS["uv-source"].version(pins) == pins.sources["uv"] and FRONTENDS["uv-source"].from_source
    pip = f"pip=={pins.frontends['pip']}"
    assert FRONTENDS["build"].requirements(pins, own="/src/build") == ["/src/build", pip]
    assert FRONTENDS["build"].requirements(pins) == [f"build=={pins.frontends['build']}", pip]
    assert [f.name for f in FRONTENDS.values() if f.other_venv] == ["pip"]


def test_frontend_specs(tmp_path: Path) -> None:
    from harness.errors import UsageError
    from harness.install.frontend_spec import parse_frontend
    from harness.run.selection import Selection

    binary = tmp_path / "uv"
    binary.write_text("#!/bin/sh\necho 'uv 0.13.9'\n")  # answers --version as uv does
    binary.chmod(0o755)
    assert parse_frontend("pip") == parse_frontend("pip") and not parse_frontend("pip").overridden
    assert parse_frontend("pip==26.1").version == "26.1"
    assert parse_frontend(f"pip-venv@{tmp_path}").source == tmp_path
    assert parse_frontend(f"uv={binary}").binary == binary
    assert str(parse_frontend("build==1.5.0")) == "build==1.5.0"
    for bad, message in [
        ("pipx", "unknown frontend 'pipx'"),
        ("pip==", "nothing after '=='"),
        (f"pip={binary}", "only uv takes a binary"),
        (f"uv={tmp_path}", "is not a file"),
        ("pip@/no/such/dir", "is not a directory"),
    ]:
        with pytest.raises(UsageError, match=message):
            parse_frontend(bad)
    versions = load_pins().pyo3_versions

    def cell_id(frontend: str, sample: str) -> str:
        chosen = Selection.from_names(
            pyo3_versions=versions, frontends=[frontend], strategies=["stock"], samples=[sample]
        )
        [cell] = chosen.cells()
        return cell.id

    found = cell_id(f"uv={binary}", "cffi-style:legacy")
    assert found.startswith("uv-") and "/" not in found
    assert found.endswith(f"--cffi-style-legacy--pyo3-{versions[0]}")
    assert cell_id("pip==26.1", "pyo3-ext").startswith("pip-26.1--stock--pyo3-ext")


def test_strategies_spell_their_options_in_each_frontends_flags() -> None:
    ctx = StrategyContext(frontend_python=INTERPRETER, workdir=Path("/w"))
    no_iso = STRATEGIES["no-isolation"].options(ctx)
    assert "--no-build-isolation" in FRONTENDS["pip"].invocation(installed("pip"), PATHS, no_iso).argv
    assert "--no-isolation" in FRONTENDS["build"].invocation(installed("build"), PATHS, no_iso).argv
    assert "--no-build-isolation" in FRONTENDS["uv"].invocation(installed("uv"), PATHS, no_iso).argv
    assert FRONTENDS["pip-venv"].unsupported(no_iso)

    env_dir = STRATEGIES["env-dir"].options(ctx)
    argv = FRONTENDS["build"].invocation(installed("build"), PATHS, env_dir).argv
    assert argv[argv.index("--env-dir") + 1] == "/w/build-env"
    assert FRONTENDS["uv"].unsupported(env_dir) and FRONTENDS["pip"].unsupported(env_dir)

    uv_vars = STRATEGIES["uv-extra-build-variables"].options(ctx)
    argv = FRONTENDS["uv"].invocation(installed("uv"), PATHS, uv_vars).argv
    assert argv[argv.index("--config-file") + 1] == "/w/uv.toml" and "--no-config" not in argv
    assert FRONTENDS["build"].unsupported(uv_vars) and FRONTENDS["pip"].unsupported(uv_vars)

    sdist = BuildOptions(sdist=True)
    assert "--wheel" not in FRONTENDS["build"].invocation(installed("build"), PATHS, sdist).argv
    assert "--wheel" not in FRONTENDS["uv"].invocation(installed("uv"), PATHS, sdist).argv
    assert FRONTENDS["pip"].builds_sdist_file and not FRONTENDS["uv"].builds_sdist_file


def test_backend_opt_ins_and_persistent_target() -> None:
    ctx = StrategyContext(frontend_python=INTERPRETER, workdir=Path("/w"))
    assert STRATEGIES["maturin-base-python"].environment(ctx) == {"MATURIN_PEP517_USE_BASE_PYTHON": "1"}
    assert STRATEGIES["maturin-base-python"].backends == ("maturin",)
    srust = STRATEGIES["setuptools-rust-base-python"]
    assert srust.environment(ctx) == {"SETUPTOOLS_RUST_PEP517_USE_BASE_PYTHON": "1"}
    assert STRATEGIES["persistent-target"].environment(ctx) == {"CARGO_TARGET_DIR": "/w/persistent-target"}
    both = STRATEGIES["persistent-target-exported"].environment(ctx)
    assert both["PYO3_BASE_PYTHON"] == "/usr/local/bin/python3.11" and "CARGO_TARGET_DIR" in both


def test_uv_extra_build_variables_writes_a_fixed_setting(tmp_path: Path) -> None:
    ctx = StrategyContext(frontend_python=INTERPRETER, workdir=tmp_path)
    STRATEGIES["uv-extra-build-variables"].prepare(ctx, "pyo3-ext")
    text = (tmp_path / "uv.toml").read_text()
    assert (
        text == '[extra-build-variables]\n"pyo3-ext" = { PYO3_BASE_PYTHON = "/usr/local/bin/python3.11" }\n'
    )


def test_cargo_settings_are_passed_through_and_named() -> None:
    environ = {
        "PATH": "/usr/bin",
        "CARGO_HOME": "/c",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "0",
        "CARGO_BUILD_JOBS": "1",
        "RUSTFLAGS": "-C debuginfo=0",
        "CARGO_TARGET_DIR": "/t",
    }
    kept = clean_environment(environ)
    assert compile_settings(kept) == {
        "CARGO_BUILD_JOBS": "1",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "0",
        "RUSTFLAGS": "-C debuginfo=0",
    }
    assert compile_settings({"PATH": "/usr/bin", "CARGO_HOME": "/c"}) == {}
