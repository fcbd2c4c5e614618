"""Downloaded sdists in the cache: known when complete and matching their sha256, and forgotten
whole when refused."""

import hashlib
import json
from pathlib import Path

from harness.files import filled_once
from harness.install.cache import Cache
from harness.install.sources import forget_sdist, has_sdist


def _as_downloaded(cache: Cache, name: str, version: str, filename: str) -> None:
    """What sources.sdist leaves: the archive under sdists/, the tree and its marker under sources/."""
    archive = cache.root / "sdists" / filename
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_bytes(b"an sdist")

    def fill(dest: Path) -> str:
        (dest / f"{name}-{version}").mkdir(parents=True)
        (dest / f"{name}-{version}" / "PKG-INFO").write_text("")
        return json.dumps({"archive": filename, "sha256": hashlib.sha256(b"an sdist").hexdigest()})

    filled_once(cache.root / "sources" / f"{name}-{version}", fill)


def test_a_complete_download_is_known_and_forgotten_whole(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    assert not has_sdist(cache, "iniconfig", "2.0.0")
    _as_downloaded(cache, "iniconfig", "2.0.0", "iniconfig-2.0.0.tar.gz")
    _as_downloaded(cache, "rpds-py", "1.0", "rpds_py-1.0.tar.gz")
    assert has_sdist(cache, "iniconfig", "2.0.0")
    forget_sdist(cache, "iniconfig", "2.0.0")
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert not [p for p in left if "iniconfig" in p], left
    assert has_sdist(cache, "rpds-py", "1.0") and (tmp_path / "sdists" / "rpds_py-1.0.tar.gz").exists()


def test_a_half_filled_tree_is_not_taken_for_a_download(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    (tmp_path / "sources" / "iniconfig-2.0.0").mkdir(parents=True)
    assert not has_sdist(cache, "iniconfig", "2.0.0")
    forget_sdist(cache, "iniconfig", "2.0.0")
    assert not (tmp_path / "sources" / "iniconfig-2.0.0").exists()


def test_a_download_whose_archive_no_longer_matches_its_sha256_is_not_taken(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    _as_downloaded(cache, "rpds-py", "1.0", "rpds_py-1.0.tar.gz")
    archive = tmp_path / "sdists" / "rpds_py-1.0.tar.gz"
    archive.write_bytes(b"an sd")  # cut short
    assert not has_sdist(cache, "rpds-py", "1.0")
    archive.unlink()
    assert not has_sdist(cache, "rpds-py", "1.0")
    marker = tmp_path / "sources" / "rpds-py-1.0" / ".harness-complete"
    marker.write_text("rpds_py-1.0.tar.gz")  # an older harness's marker: the name, no sha256
    archive.write_bytes(b"an sdist")
    assert not has_sdist(cache, "rpds-py", "1.0")
    forget_sdist(cache, "rpds-py", "1.0")
    assert not archive.exists() and not marker.parent.exists()
