"""Write the C source of the ``_cffi_sample`` extension module to $OUT_DIR.

build.rs runs this with the interpreter named by PYO3_PYTHON. cffi is a build
requirement of the sample, as it is of cryptography. A base interpreter may
have cffi installed too, which would hide a build that left the isolated
environment, so the script also imports pyo3-harness-probe, a build
requirement that only the harness's wheelhouse has.
"""

import os

import pyo3_harness_probe  # noqa: F401  (importable only in the build environment)
from cffi import FFI

MODULE_NAME = "_cffi_sample"

ffi = FFI()
ffi.cdef("int cffi_style_add(int a, int b);")
# Not static: the Rust crate links against this symbol directly as well as
# reaching it through the cffi module's ``lib``.
ffi.set_source(
    MODULE_NAME,
    """
int cffi_style_add(int a, int b)
{
    return a + b;
}
""",
)

if __name__ == "__main__":
    ffi.emit_c_code(os.path.join(os.environ["OUT_DIR"], MODULE_NAME + ".c"))
