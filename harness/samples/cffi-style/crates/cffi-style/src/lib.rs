use pyo3::prelude::*;

/// Sample module shaped like cryptography's `_rust`: Rust code calling C that
/// cffi generated at build time, plus the cffi module itself as a submodule.
#[pymodule]
mod cffi_style {
    use pyo3::prelude::*;
    use std::os::raw::c_int;

    unsafe extern "C" {
        // Defined by the C source that cffi-style-cffi's build.rs generates.
        fn cffi_style_add(a: c_int, b: c_int) -> c_int;
    }

    #[pyfunction]
    fn cffi_add(a: c_int, b: c_int) -> c_int {
        // SAFETY: a plain C function over two ints with no preconditions.
        unsafe { cffi_style_add(a, b) }
    }

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // Added under the cffi module's own name, `_cffi_sample`.
        m.add_submodule(&cffi_style_cffi::create_module(m.py())?)
    }
}
