"""Which way a frontend spec is delivered, decided in one place from the plug-in's data.

``decide`` is pure: from the spec the user wrote, its package's ``Delivery``, whether our series
should be applied, and the pins, it returns a ``Decision`` the ``Provisioner`` acts on. No
frontend package is named here or in the provisioner; what differs between packages is data
in the registry (``harness.install.frontends``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.errors import UsageError
from harness.install.frontend_spec import FrontendSpec
from harness.install.frontends import Delivery
from harness.pins import Pins

# Where the build comes from: the user's executable (NAME=PATH), the user's checkout
# (NAME@PATH), a PyPI release the user named (NAME==VERSION), the release in the pins file,
# or the pinned sdist (patched with our series, or stock for a ``from_source`` frontend).
Origin = Literal["binary", "checkout", "release", "pin", "sdist"]
# What the harness does with it: run it as given, compile it with the package's build recipe,
# or pip-install it into an environment of its own.
Method = Literal["use", "compile", "pip-install"]


@dataclass(frozen=True)
class Decision:
    origin: Origin
    method: Method
    # Known before any work (a release, the pin, the sdist's); None: asked of the build made.
    version: str | None = None
    patched: bool = False  # our series applied: an sdist only, never a build the user named
    # The series version whose build.toml compiles it (``compile`` only).
    recipe: str | None = None

    @property
    def every_run(self) -> bool:
        """A checkout may have changed since the last run, so it is rebuilt or reinstalled."""
        return self.origin == "checkout"


def decide(spec: FrontendSpec, delivery: Delivery, *, patched: bool, pins: Pins) -> Decision:
    """How ``spec`` is delivered; ``patched`` asks for our series, which applies to pinned specs
    only (a build the user names is measured as it is)."""
    plugin = spec.plugin
    # A compiled package's recipe lives beside the series of its source pin, whatever the tree.
    recipe = pins.sources[plugin.package] if delivery.compiled else None
    from_tree: Method = "compile" if delivery.compiled else "pip-install"
    if spec.binary is not None:
        if not delivery.takes_binary:  # parse_frontend refuses it first; a spec made in code may not
            raise UsageError(f"--frontend {spec}: {plugin.package} is not delivered as a binary")
        return Decision("binary", "use")
    if spec.source is not None:
        return Decision("checkout", from_tree, recipe=recipe)
    if spec.version is not None:
        return Decision("release", "pip-install", spec.version)
    if patched or plugin.from_source:
        version = delivery.sdist_version(plugin.package, pins)
        return Decision("sdist", from_tree, version, patched=patched, recipe=recipe)
    return Decision("pin", "pip-install", plugin.version(pins))
