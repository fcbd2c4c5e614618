#!/bin/bash
# End-to-end check of the pyo3-build-config series (see ../<version>/README.md).
#
# usage: run.sh VERSION LABEL [PATCHED_PYO3_BUILD_CONFIG_DIR]
#   VERSION  pyo3 version (0.28.3, 0.29.2, 0.30.1)
#   LABEL    names the scratch crate and its target dir
#   PATCHED… a pyo3-build-config tree with the series applied, wired in by [patch.crates-io];
#            without it the build uses pyo3-build-config from crates.io (unpatched)
# env: WORK (scratch dir, default /tmp/pyo3-e2e-check), BASE (base interpreter, default python3.11)
#
# A scratch cdylib on pyo3 VERSION whose build.rs runs pyo3_build_config::get().executable to
# import e2e_probe, a package installed only in the two build venvs v1 and v2 (made from BASE).
# Each step is one `cargo build -v`; it prints cargo's Fresh/Dirty lines for the pyo3 crates,
# what the build script imported, and the `executable=` of each config pyo3 exported.
set -u
V=$1; LABEL=$2; PBC=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/pyo3-e2e-check}; B=$(command -v "${BASE:-python3.11}")
mkdir -p "$WORK"; cd "$WORK"
if [ ! -d v2 ]; then
  # a one-module wheel, installed in v1 and v2 only
  "$B" - <<'PY'
import base64, hashlib, zipfile
files = {"e2e_probe.py": b"VERSION = '1.0'\n",
         "e2e_probe-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: e2e_probe\nVersion: 1.0\n",
         "e2e_probe-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
record = [f"{k},sha256={base64.urlsafe_b64encode(hashlib.sha256(v).digest()).rstrip(b'=').decode()},{len(v)}" for k, v in files.items()]
files["e2e_probe-1.0.dist-info/RECORD"] = ("\n".join(record + ["e2e_probe-1.0.dist-info/RECORD,,"]) + "\n").encode()
with zipfile.ZipFile("e2e_probe-1.0-py3-none-any.whl", "w") as z:
    for k, v in files.items():
        z.writestr(k, v)
PY
  for venv in v1 v2; do "$B" -m venv $venv && $venv/bin/python -m pip install -q --no-index e2e_probe-1.0-py3-none-any.whl; done
  mkdir -p base-link && ln -sf "$B" base-link/"$(basename "$B")"
fi
E=$WORK; LINK=$E/base-link/$(basename "$B")
D=$E/run-$V-$LABEL; rm -rf "$D"; mkdir -p "$D/src"; cp "$HERE/build.rs" "$D/"; cp "$HERE/lib.rs" "$D/src/"; cd "$D"
FEAT=""; [ "${V%.*}" = 0.28 ] && FEAT=', features = ["extension-module"]'
cat > Cargo.toml <<TOML
[package]
name = "e2e_ext"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
pyo3 = { version = "=$V"$FEAT }

[build-dependencies]
pyo3-build-config = "=$V"
TOML
if [ -n "$PBC" ]; then printf '\n[patch.crates-io]\npyo3-build-config = { path = "%s" }\n' "$PBC" >> Cargo.toml; fi
export CARGO_TARGET_DIR=$D/target PYO3_BUILD_EXTENSION_MODULE=1
unset VIRTUAL_ENV CONDA_PREFIX PYO3_PYTHON PYO3_BASE_PYTHON PYO3_CONFIG_FILE
exported() { # the executable= line of each config the pyo3 build scripts exported
  "$B" - "$CARGO_TARGET_DIR" <<'PY'
import glob, os, sys
target = sys.argv[1]
for pkg in ("pyo3-build-config", "pyo3-ffi", "pyo3"):
    for p in sorted(glob.glob(f"{target}/debug/build/{pkg}-*/output"), key=os.path.getmtime)[-1:]:
        for line in open(p):
            if line.startswith("cargo:PYO3_CONFIG="):
                text = bytes.fromhex(line.split("=", 1)[1].strip()).decode()
                exe = [l for l in text.splitlines() if l.startswith("executable=")]
                print(f"  {pkg} exports (cargo:PYO3_CONFIG) {exe[0] if exe else '(no executable)'}")
    for p in glob.glob(f"{target}/debug/build/{pkg}-*/out/pyo3-build-config.txt"):
        exe = [l.strip() for l in open(p) if l.startswith("executable=")]
        print(f"  {pkg} compiles in {exe[0] if exe else '(no executable)'}")
PY
}
step() { # name, env assignments...
  local name=$1; shift
  echo "### $name: $*"
  env "$@" nice -n 5 cargo build -v 2>&1 \
    | grep -E "^ *(Fresh|Dirty|Compiling|Finished) |^ *Running \`[^ ]*/build-script-build\`|warning: e2e_ext|^error|panicked|cannot import" \
    | sed -E 's/^ +//; s/^Running `[^ ]*\/build\/([^/]*)\/build-script-build`/Running build script \1/' \
    | grep -vE "^(Fresh|Compiling|Running build script) (libc|once_cell|proc-macro2|quote|syn|unicode-ident|target-lexicon|heck|memoffset|portable-atomic|indoc|unindent|rustversion)"
  echo "(exit ${PIPESTATUS[0]})"
  exported
}
step "1 first build, PYO3_PYTHON=v1" PYO3_BASE_PYTHON="$B" PYO3_PYTHON="$E/v1/bin/python"
step "2 PYO3_PYTHON=v2 (new build venv, same base)" PYO3_BASE_PYTHON="$B" PYO3_PYTHON="$E/v2/bin/python"
step "3 PYO3_PYTHON=v1 again" PYO3_BASE_PYTHON="$B" PYO3_PYTHON="$E/v1/bin/python"
step "4 changed base (a symlink to it at another path)" PYO3_BASE_PYTHON="$LINK" PYO3_PYTHON="$E/v2/bin/python"
step "5 PYO3_PYTHON=v1, changed base kept" PYO3_BASE_PYTHON="$LINK" PYO3_PYTHON="$E/v1/bin/python"
cp "$CARGO_TARGET_DIR/debug/libe2e_ext.so" e2e_ext.so 2>/dev/null \
  && "$E/v2/bin/python" -c "import e2e_ext; print('e2e_ext.add(2, 3) =', e2e_ext.add(2, 3))"
step "6 PYO3_BASE_PYTHON empty, PYO3_PYTHON=v2" PYO3_BASE_PYTHON= PYO3_PYTHON="$E/v2/bin/python"
step "7 PYO3_BASE_PYTHON=base, PYO3_PYTHON unset" PYO3_BASE_PYTHON="$B"
