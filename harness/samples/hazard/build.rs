//! Runs an interpreter a real build script may reach for and imports a build
//! requirement with it. probe.txt picks which one: `config-executable`, the
//! `executable` in the config pyo3 resolved (what pyo3_build_config::get()
//! hands a build script), or `pyo3-python`, PYO3_PYTHON as the backend set it
//! (what cryptography's cffi build runs). `config-executable-tracked` runs the
//! first and tracks PYO3_PYTHON, the one line pyo3's get() documentation (patch
//! set v3) asks of a script whose output depends on the build environment.
//! A strategy that points it outside
//! the build environment makes this build fail, as it would for such projects.
//! The extension carries the probe's version and where it was imported from, so
//! the harness can tell whether this script re-ran after the build environment
//! changed (the requirements-bump scenario).
use std::env;
use std::fs;
use std::process::Command;

const PROBE: &str = "import importlib.metadata as m, pyo3_harness_probe as p\n\
                     print(m.version('pyo3-harness-probe')); print(p.__file__)";

fn import_probe(label: &str, python: &str) {
    match Command::new(python).args(["-c", PROBE]).output() {
        Ok(out) if out.status.success() => {
            let found = String::from_utf8_lossy(&out.stdout);
            let mut lines = found.lines();
            let version = lines.next().unwrap_or_default();
            let origin = lines.next().unwrap_or_default();
            println!("cargo:rustc-env=HAZARD_PROBE_VERSION={version}");
            println!("cargo:rustc-env=HAZARD_PROBE_ORIGIN={origin}");
        }
        Ok(out) => panic!(
            "pyo3-harness-hazard: {label} ({python}) cannot import the build requirement \
             pyo3-harness-probe: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(err) => panic!("pyo3-harness-hazard: {label} ({python}) did not start: {err}"),
    }
}

fn config_executable() {
    match pyo3_build_config::get().executable.as_deref() {
        Some(exe) => import_probe("the executable in pyo3's resolved config", exe),
        None => panic!("pyo3-harness-hazard: pyo3's resolved config names no executable"),
    }
}

fn main() {
    println!("cargo:rerun-if-changed=probe.txt");
    let which = fs::read_to_string("probe.txt").expect("cannot read probe.txt");
    match which.trim() {
        "config-executable-tracked" => {
            println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
            config_executable();
        }
        "config-executable" => config_executable(),
        "pyo3-python" => {
            println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
            match env::var("PYO3_PYTHON") {
                Ok(python) => import_probe("PYO3_PYTHON", &python),
                Err(_) => panic!("pyo3-harness-hazard: the backend did not set PYO3_PYTHON"),
            }
        }
        other => panic!(
            "pyo3-harness-hazard: probe.txt says {other:?}; accepted: config-executable, \
             config-executable-tracked, pyo3-python"
        ),
    }
}
