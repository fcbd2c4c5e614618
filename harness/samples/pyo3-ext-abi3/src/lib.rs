use pyo3::prelude::*;

/// Sample extension module built against the stable ABI (CPython >= 3.9).
#[pymodule]
mod pyo3_ext_abi3 {
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
