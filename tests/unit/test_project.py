"""``--project``: the forms it accepts, the projects it refuses, and what it reads from one."""

import io
import tarfile
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.install.cache import Cache
from harness.workbench.project import (
    ACCEPTED,
    build_requirements,
    project_backend,
    project_name,
    project_requirements,
    project_sample,
    resolve_project,
)

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61", "setuptools-rust>=1.9"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-ext"
version = "1.0"
dependencies = ["iniconfig==2.0.0"]
"""


def _sdist(path: Path, members: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_a_directory_is_used_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    assert resolve_project(str(tmp_path / "proj"), Cache(tmp_path / "cache")) == (tmp_path / "proj").resolve()


def test_an_sdist_is_unpacked_once_to_a_stable_path(tmp_path: Path) -> None:
    archive = _sdist(tmp_path / "demo-1.0.tar.gz", {"demo-1.0/pyproject.toml": PYPROJECT})
    cache = Cache(tmp_path / "cache")
    first = resolve_project(str(archive), cache)
    assert (first / "pyproject.toml").read_text() == PYPROJECT
    assert resolve_project(str(archive), cache) == first


def test_an_sdist_with_two_top_level_directories_is_refused(tmp_path: Path) -> None:
    archive = _sdist(tmp_path / "two-1.0.tar.gz", {"a/pyproject.toml": "", "b/pyproject.toml": ""})
    with pytest.raises(UsageError, match="an sdist holds one top-level directory"):
        resolve_project(str(archive), Cache(tmp_path / "cache"))


@pytest.mark.parametrize("text", ["missing-dir", "name==", "==1.0", "a/b==1.0"])
def test_anything_else_names_the_accepted_forms(tmp_path: Path, text: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_project(str(tmp_path / text) if text == "missing-dir" else text, Cache(tmp_path / "c"))
    assert ACCEPTED in str(caught.value)


def test_a_project_without_pyproject_or_cargo_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no pyproject\.toml"):
        project_sample(tmp_path)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    with pytest.raises(UsageError, match=r"no Cargo\.toml"):
        project_sample(tmp_path)


def test_requirements_name_and_backend_come_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert build_requirements(tmp_path) == ["setuptools>=61", "setuptools-rust>=1.9"]
    assert project_requirements(tmp_path)[-1] == "iniconfig==2.0.0"
    assert project_name(tmp_path) == "demo-ext"
    assert project_backend(tmp_path) == "setuptools-rust"
    (tmp_path / "pyproject.toml").write_text('[build-system]\nrequires = ["maturin>=1,<2"]\n')
    assert (project_backend(tmp_path), project_name(tmp_path)) == ("maturin", tmp_path.name)
