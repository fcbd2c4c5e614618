//! Runs the interpreter pyo3_build_config::get() names, as a cffi-style build script does, and
//! imports a package installed only in the build virtualenvs.
use std::process::Command;

fn main() {
    // like cryptography-cffi: re-run (this crate only) when the build environment changes
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    #[allow(deprecated)]
    let exe = pyo3_build_config::get().executable.clone().expect("no executable");
    let out = Command::new(&exe)
        .args(["-c", "import e2e_probe; print(e2e_probe.__file__)"])
        .output()
        .expect("interpreter did not start");
    assert!(
        out.status.success(),
        "{exe} cannot import e2e_probe: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    println!(
        "cargo:warning=get().executable={exe} imported {}",
        String::from_utf8_lossy(&out.stdout).trim()
    );
}
