use pyo3::prelude::*;

/// Sample extension module built against one exact CPython version.
#[pymodule]
mod pyo3_ext {
    use pyo3::prelude::*;

    #[pyfunction]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    #[pyfunction]
    fn greet(name: &str) -> String {
        format!("hello, {name}")
    }
}
