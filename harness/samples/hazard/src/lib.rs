use pyo3::prelude::*;

#[pymodule]
mod hazard {
    use pyo3::prelude::*;

    #[pyfunction]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    /// The build requirement's version and file, as the build script last found them.
    #[pyfunction]
    fn probe() -> (&'static str, &'static str) {
        (env!("HAZARD_PROBE_VERSION"), env!("HAZARD_PROBE_ORIGIN"))
    }
}
