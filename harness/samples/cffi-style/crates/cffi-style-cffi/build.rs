use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT: &str = "_cffi_src/build_sample.py";
const KEYING_FILE: &str = "keying.txt";
const MODULE_NAME: &str = "_cffi_sample";

fn main() {
    println!("cargo:rerun-if-changed={SCRIPT}");
    println!("cargo:rerun-if-changed={KEYING_FILE}");

    // The interpreter we *run*, whatever the keying: only the build
    // environment behind PYO3_PYTHON is guaranteed to have cffi.
    let python = env::var_os("PYO3_PYTHON").unwrap_or_else(|| OsString::from("python3"));
    track_interpreter(&read_keying());

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let output = Command::new(&python)
        .arg(SCRIPT)
        .env("OUT_DIR", &out_dir)
        // Keep Python from writing __pycache__ into the source tree: once the
        // script imports a helper from _cffi_src/ (cryptography's does), the
        // new files would bump mtimes that rerun-if-changed compares and
        // dirty this crate on the next build.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} (PYO3_PYTHON): {e}",
                Path::new(&python).display()
            )
        });
    if !output.status.success() {
        panic!(
            "{SCRIPT} failed under {} (PYO3_PYTHON); it needs the `cffi` build \
             requirement importable by that interpreter.\nstdout:\n{}\nstderr:\n{}",
            Path::new(&python).display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }

    cc::Build::new()
        .file(out_dir.join(format!("{MODULE_NAME}.c")))
        .include(python_include_dir(&python))
        .compile(MODULE_NAME);
}

fn read_keying() -> String {
    let raw = fs::read_to_string(KEYING_FILE)
        .unwrap_or_else(|e| panic!("cannot read {KEYING_FILE}: {e}"));
    raw.trim().to_owned()
}

/// Tells cargo which environment variable identifies the target interpreter,
/// i.e. which change must rerun this script and so rebuild every crate above it.
/// Reading a variable does not make cargo track it; only these lines do.
fn track_interpreter(keying: &str) {
    match keying {
        // What cryptography shipped for years. PEP 517 frontends that isolate
        // the build in a fresh virtualenv hand us a new PYO3_PYTHON path every
        // time, so a warm rebuild reruns this script and recompiles dependents.
        "legacy" => track("PYO3_PYTHON"),
        // The base interpreter behind a throwaway build venv does not move
        // between builds, so it is a stable key when the frontend names it
        // (without it there is nothing better than legacy).
        "base-aware" => match env::var_os("PYO3_BASE_PYTHON") {
            Some(_) => track("PYO3_BASE_PYTHON"),
            None => track("PYO3_PYTHON"),
        },
        // A pyo3 config file fully describes the target interpreter and sits at
        // a stable path (maturin writes one under target/ for abi3 builds with
        // pyo3 >= 0.29); cryptography 50 keys on it. Its contents are tracked
        // too, so a different interpreter behind the same path still reruns.
        // Unset, fall back to legacy.
        "config-file" => match env::var_os("PYO3_CONFIG_FILE") {
            Some(path) => {
                track("PYO3_CONFIG_FILE");
                println!("cargo:rerun-if-changed={}", Path::new(&path).display());
            }
            None => track("PYO3_PYTHON"),
        },
        other => {
            panic!("{KEYING_FILE} says {other:?}; expected one of: legacy, base-aware, config-file")
        }
    }
}

fn track(var: &str) {
    println!("cargo:rerun-if-env-changed={var}");
}

fn python_include_dir(python: &OsString) -> PathBuf {
    let output = Command::new(python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['include'], end='')",
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} (PYO3_PYTHON): {e}",
                Path::new(python).display()
            )
        });
    if !output.status.success() {
        panic!(
            "cannot get the include dir from {}: {}",
            Path::new(python).display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    PathBuf::from(String::from_utf8(output.stdout).expect("include dir is not UTF-8"))
}
