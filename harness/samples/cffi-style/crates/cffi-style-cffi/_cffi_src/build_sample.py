"""Write the C source of the ``_cffi_sample`` extension module to $OUT_DIR.

build.rs runs this with the interpreter named by PYO3_PYTHON. cffi is a build
requirement of the sample, so it is importable only inside the frontend's
isolated build environment, not from the base interpreter.
"""

import os

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
