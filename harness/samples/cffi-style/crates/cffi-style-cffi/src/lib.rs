//! The `_cffi_sample` module that cffi generated at build time, compiled into
//! this crate by build.rs, handed to Python through pyo3.

use pyo3::prelude::*;

unsafe extern "C" {
    // Defined by the C source that cffi emits for `_cffi_sample`.
    fn PyInit__cffi_sample() -> *mut pyo3::ffi::PyObject;
}

/// Initialises the cffi module; its `lib` attribute exposes the C functions.
pub fn create_module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    // SAFETY: `py` proves we are attached to the interpreter, and a
    // single-phase PyInit_* function returns either a new (owned) reference
    // to a module object or NULL with an exception set.
    unsafe {
        let module = Bound::from_owned_ptr_or_err(py, PyInit__cffi_sample())?;
        Ok(module.cast_into_unchecked())
    }
}
