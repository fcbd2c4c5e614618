"""Sample projects as plug-ins. Their files live in ``harness/samples/<directory>``.

To add a sample, put its project under ``harness/samples/`` and an entry in ``SAMPLES``; list
it in ``DEFAULT_SAMPLES`` if every run should build it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from harness.errors import UsageError, unknown_name
from harness.measure.wheelcheck import BUILT_WITH

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


@dataclass(frozen=True)
class Sample:
    name: str
    description: str
    directory: Path
    # Python run in a fresh environment with the wheel installed; raises on failure.
    check: str
    # File (relative to the project root) the incremental scenario edits.
    edit: str
    # A sample whose files this one is laid on top of (shares its crate).
    base: str | None = None
    # Selectable build-script keyings; the first is the default.
    variants: tuple[str, ...] = ()
    variant_file: str | None = None
    # Whether the harness may rewrite pyo3 versions (False for a user's own project).
    pyo3_selectable: bool = True
    backend: str = "maturin"  # or "setuptools-rust"
    # Its build script imports a build requirement: its builds are the requirements check.
    # None: not known (a user's project), so its own build is the check.
    imports_build_requirements: bool | None = False
    # Its check reports the build requirement's version its build script found (wheelcheck's
    # BUILT_WITH "probe"): the requirements-bump scenario can tell whether the script re-ran.
    reports_probe: bool = False

    def default_variant(self) -> str | None:
        return self.variants[0] if self.variants else None


_HAZARD_CHECK = (
    "import hazard as m, json\n"
    "assert m.add(2, 3) == 5, m.add(2, 3)\n"
    "version, origin = m.probe()\n"
    f"print({BUILT_WITH!r} + json.dumps({{'probe': version, 'probe_origin': origin}}))\n"
)

_EXT_CHECK = (
    "import {module} as m\n"
    "assert m.add(2, 3) == 5, m.add(2, 3)\n"
    "assert m.greet('pyo3') == 'hello, pyo3', m.greet('pyo3')\n"
)

SAMPLES: Mapping[str, Sample] = MappingProxyType(
    {
        s.name: s
        for s in (
            Sample(
                name="pyo3-ext",
                description="maturin + pyo3 extension, version-specific ABI (the case that churns)",
                directory=SAMPLES_DIR / "pyo3-ext",
                check=_EXT_CHECK.format(module="pyo3_ext"),
                edit="src/lib.rs",
            ),
            Sample(
                name="pyo3-ext-abi3",
                description="the same extension built for the stable ABI (abi3-py39)",
                directory=SAMPLES_DIR / "pyo3-ext-abi3",
                check=_EXT_CHECK.format(module="pyo3_ext_abi3"),
                edit="src/lib.rs",
            ),
            Sample(
                name="cffi-style",
                description="cryptography-shaped abi3 workspace: a pyo3 crate plus a *-cffi crate "
                "whose build script runs PYO3_PYTHON to import cffi",
                directory=SAMPLES_DIR / "cffi-style",
                check=(
                    "import cffi_style as m\n"
                    "assert m.cffi_add(2, 3) == 5, m.cffi_add(2, 3)\n"
                    "from cffi_style import _cffi_sample\n"
                    "assert _cffi_sample.lib.cffi_style_add(2, 3) == 5\n"
                ),
                edit="crates/cffi-style/src/lib.rs",
                variants=("legacy", "base-aware", "config-file"),
                variant_file="crates/cffi-style-cffi/keying.txt",
                imports_build_requirements=True,
            ),
            Sample(
                name="setuptools-rust-ext",
                description="the pyo3-ext crate built by setuptools-rust instead of maturin",
                directory=SAMPLES_DIR / "setuptools-rust-ext",
                check=_EXT_CHECK.format(module="pyo3_ext"),
                edit="src/lib.rs",
                base="pyo3-ext",
                backend="setuptools-rust",
            ),
            Sample(
                name="hazard",
                description="build script imports a build requirement (pyo3-harness-probe) with the "
                "interpreter pyo3's resolved config names (tracking PYO3_PYTHON, as pyo3 asks of such "
                "scripts, or not), or with PYO3_PYTHON: the requirements check",
                directory=SAMPLES_DIR / "hazard",
                check=_HAZARD_CHECK,
                reports_probe=True,
                edit="src/lib.rs",
                variants=("config-executable", "config-executable-tracked", "pyo3-python"),
                variant_file="probe.txt",
                imports_build_requirements=True,
            ),
            Sample(
                name="setuptools-rust-hazard",
                description="the hazard crate built by setuptools-rust, which keeps a PYO3_PYTHON the "
                "user set (maturin replaces it)",
                directory=SAMPLES_DIR / "setuptools-rust-hazard",
                check=_HAZARD_CHECK,
                edit="src/lib.rs",
                base="hazard",
                backend="setuptools-rust",
                variants=("config-executable", "config-executable-tracked", "pyo3-python"),
                variant_file="probe.txt",
                imports_build_requirements=True,
                reports_probe=True,
            ),
        )
    }
)


@dataclass(frozen=True)
class SampleChoice:
    """A sample and its variant, as chosen for a cell; ``spec`` is how it was named."""

    sample: Sample
    variant: str | None
    spec: str  # "cffi-style", "cffi-style:base-aware", or a --project's directory name


def choose_sample(spec: str) -> SampleChoice:
    sample, variant = parse_sample(spec)
    return SampleChoice(sample, variant, spec)


def parse_sample(spec: str) -> tuple[Sample, str | None]:
    """``cffi-style`` or ``cffi-style:base-aware`` -> (sample, variant)."""
    name, _, variant = spec.partition(":")
    if name not in SAMPLES:
        raise unknown_name("sample", name, list(SAMPLES))
    sample = SAMPLES[name]
    if not variant:
        return sample, sample.default_variant()
    if variant not in sample.variants:
        accepted = ", ".join(sample.variants) if sample.variants else "none (this sample has no variants)"
        raise UsageError(f"unknown variant {variant!r} of sample {name}; accepted: {accepted}")
    return sample, variant


DEFAULT_SAMPLES = ("pyo3-ext", "cffi-style")
