"""How each frontend is delivered: ``decide`` for every frontend and every way of naming it, and
the Provisioner carrying decisions out under the cache names and result texts it always used."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.errors import UsageError
from harness.files import digest
from harness.install.cache import Cache
from harness.install.delivery import Decision, decide
from harness.install.envs import Interpreter, PythonEnv
from harness.install.frontend_spec import FrontendSpec, parse_frontend
from harness.install.frontends import FRONTENDS, Delivery
from harness.install.provision import Provisioner
from harness.install.recipes import load_recipe
from harness.install.sources import SourceTree
from harness.pins import load_pins

PINS = load_pins()
# Every registered frontend, by how its package is delivered. A new frontend must be placed
# here (test_every_frontend_is_classified), which states what its delivery is meant to be.
PIP_INSTALLED = [
    "pip",
    "pip-venv",
    "build",
    "pip-install",
    "pip-install-e",
    "pip-venv-install",
    "pip-venv-install-e",
]
COMPILED = ["uv", "uv-pip-install-e", "uv-sync"]  # the PyPI wheel when stock
COMPILED_EVEN_STOCK = ["uv-source"]  # from_source: the like-for-like baseline
CHECKOUT = Path("/src/checkout")
BINARY = Path("/opt/bin/tool")


def test_every_frontend_is_classified() -> None:
    assert sorted(PIP_INSTALLED + COMPILED + COMPILED_EVEN_STOCK) == sorted(FRONTENDS)


def _decided(name: str, form: str, *, patched: bool) -> Decision:
    spec = {
        "stock": FrontendSpec(name),
        "patched": FrontendSpec(name),
        "release": FrontendSpec(name, version="9.9"),
        "checkout": FrontendSpec(name, source=CHECKOUT),
        "binary": FrontendSpec(name, binary=BINARY),
    }[form]
    return decide(spec, FRONTENDS[name].delivery, patched=patched or form == "patched", pins=PINS)


@pytest.mark.parametrize("name", PIP_INSTALLED)
def test_a_pip_installed_frontend(name: str) -> None:
    package = FRONTENDS[name].package
    pinned = PINS.frontends[package]
    assert _decided(name, "stock", patched=False) == Decision("pin", "pip-install", pinned)
    assert _decided(name, "patched", patched=True) == Decision("sdist", "pip-install", pinned, patched=True)
    for patched in (False, True):  # a build the user names is measured as it is
        assert _decided(name, "release", patched=patched) == Decision("release", "pip-install", "9.9")
        assert _decided(name, "checkout", patched=patched) == Decision("checkout", "pip-install")
        with pytest.raises(UsageError, match=f"{package} is not delivered as a binary"):
            _decided(name, "binary", patched=patched)


@pytest.mark.parametrize("name", COMPILED + COMPILED_EVEN_STOCK)
def test_a_compiled_frontend(name: str) -> None:
    package = FRONTENDS[name].package
    source = PINS.sources[package]  # uv-source: the newest uv this toolchain builds
    sdist = Decision("sdist", "compile", source, recipe=source)
    stock = Decision("pin", "pip-install", PINS.frontends[package]) if name in COMPILED else sdist
    assert _decided(name, "stock", patched=False) == stock
    assert _decided(name, "patched", patched=True) == Decision("sdist", "compile", source, True, source)
    for patched in (False, True):
        assert _decided(name, "release", patched=patched) == Decision("release", "pip-install", "9.9")
        # A checkout is compiled with the recipe of the source pin's series.
        assert _decided(name, "checkout", patched=patched) == Decision("checkout", "compile", recipe=source)
        assert _decided(name, "binary", patched=patched) == Decision("binary", "use")


def test_only_a_checkout_is_redone_every_run() -> None:
    forms = ("stock", "patched", "release", "checkout", "binary")
    assert [_decided("uv", form, patched=False).every_run for form in forms] == [
        False,
        False,
        False,
        True,
        False,
    ]


def test_parse_frontend_takes_a_binary_where_the_delivery_does(tmp_path: Path) -> None:
    """NAME=PATH follows the delivery data: every frontend of a binary-taking package accepts it."""
    binary = tmp_path / "uv"
    binary.write_text("#!/bin/sh\necho 'uv 0.13.9'\n")
    binary.chmod(0o755)
    for name in COMPILED + COMPILED_EVEN_STOCK:
        assert parse_frontend(f"{name}={binary}").binary == binary
    for name in PIP_INSTALLED:
        with pytest.raises(UsageError, match=rf"only uv takes a binary \(uv=PATH\); use {name}@PATH"):
            parse_frontend(f"{name}={binary}")


@dataclass
class _Recording(Provisioner):
    """A Provisioner whose installs, builds and probes only record what they were asked: the
    names below are cache paths and result texts, which must not change."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def _env(
        self, name: str, requirements: list[str], *, every_run: bool = False, extra: tuple[str, ...] = ()
    ) -> PythonEnv:
        self.calls.append(("env", name, requirements, every_run))
        return PythonEnv(Path("/envs") / name, tuple(requirements))

    def _compile(self, package: str, tree: Path, label: str, decision: Decision) -> Path:
        self.calls.append(("compile", package, tree, label, decision.recipe, decision.every_run))
        return Path(f"/artifacts/{package}-{label}/{package}")

    def _tree(self, package: str, version: str, patched: bool) -> SourceTree:
        return SourceTree(package, version, Path(f"/sources/{package}-{version}"))

    def _installed_version(self, env: PythonEnv, package: str) -> str:
        return "installed"

    def _binary_version(self, binary: Path) -> str:
        return "said"


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Recording:
    interpreter = Interpreter("/py", "/py", "3.11.7", "cpython", ".so", False)
    monkeypatch.setattr("harness.install.provision.probe", lambda python, env: interpreter)
    tools = PythonEnv(tmp_path / "tools", ())
    return _Recording(Cache(tmp_path), PINS, interpreter, {}, tools, tmp_path / "wheelhouse")


def test_the_provisioner_names_what_it_installs_as_it_always_did(recording: _Recording) -> None:
    """The first install or build of each decision, with the cache name it has always had."""
    pip, build, uv, source = (
        PINS.frontends["pip"],
        PINS.frontends["build"],
        PINS.frontends["uv"],
        PINS.sources["uv"],
    )
    checkout = f"checkout-{digest(CHECKOUT)}"
    sdist = Path(f"/sources/uv-{source}")
    cases = [
        (FrontendSpec("build"), False, ("env", f"build-{build}", [f"build=={build}", f"pip=={pip}"], False)),
        (FrontendSpec("pip", version="9.9"), False, ("env", "pip-9.9", ["pip==9.9"], False)),
        (FrontendSpec("pip"), True, ("env", f"pip-{pip}-stock", [f"/sources/pip-{pip}"], False)),
        (FrontendSpec("pip", source=CHECKOUT), False, ("env", f"pip-{checkout}", [str(CHECKOUT)], True)),
        (FrontendSpec("uv"), True, ("compile", "uv", sdist, f"{source}-stock", source, False)),
        (FrontendSpec("uv-source"), False, ("compile", "uv", sdist, f"{source}-stock", source, False)),
        (FrontendSpec("uv", source=CHECKOUT), False, ("compile", "uv", CHECKOUT, checkout, source, True)),
        (FrontendSpec("uv", binary=BINARY), False, ("env", "python", [], False)),
        (FrontendSpec("uv"), False, ("env", f"uv-{uv}", [f"uv=={uv}"], False)),
    ]
    for spec, patched, first in cases:
        recording.calls.clear()
        recording.frontend(spec, patched=patched)
        assert recording.calls[0] == first, spec


def test_the_provisioner_describes_each_build_as_results_always_did(recording: _Recording) -> None:
    pip, build, uv, source = (
        PINS.frontends["pip"],
        PINS.frontends["build"],
        PINS.frontends["uv"],
        PINS.sources["uv"],
    )
    described = {
        FrontendSpec("build"): (build, f"PyPI build=={build}, pip=={pip}"),
        FrontendSpec("build", version="9.9"): ("9.9", "PyPI build==9.9"),
        FrontendSpec("pip", source=CHECKOUT): ("installed", f"source checkout {CHECKOUT}"),
        FrontendSpec("uv", source=CHECKOUT): ("said", f"source checkout {CHECKOUT}, built here"),
        FrontendSpec("uv-source"): (source, f"uv {source} sdist from PyPI, built here"),
        FrontendSpec("uv", binary=BINARY): ("said", f"binary {BINARY}"),
        FrontendSpec("uv"): (uv, f"PyPI uv=={uv}"),
    }
    for spec, (version, source_text) in described.items():
        installed = recording.frontend(spec)
        assert (installed.version, installed.source) == (version, source_text), spec
    compiled = recording.frontend(FrontendSpec("uv-source"))
    assert compiled.tool == Path(f"/artifacts/uv-{source}-stock/uv")
    other = recording.frontend(FrontendSpec("pip"), other=True)
    assert other.env.root == Path(f"/envs/pip-{pip}-other")


def test_a_package_is_delivered_one_way_and_a_compiled_one_has_its_recipe() -> None:
    by_package: dict[str, set[Delivery]] = {}
    for plugin in FRONTENDS.values():
        by_package.setdefault(plugin.package, set()).add(plugin.delivery)
    assert all(len(deliveries) == 1 for deliveries in by_package.values()), by_package
    compiled = [package for package, (delivery,) in by_package.items() if delivery.compiled]
    assert compiled == ["uv"]
    for package in compiled:
        load_recipe(package, PINS.sources[package])  # patches/<package>/<source pin>/build.toml
