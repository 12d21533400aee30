//! The headers compile cleanly as C and C++ with gcc and clang (`-Wall -Wextra -Werror`),
//! with the C library headers before and after them, and pin the Windows x64 layouts
//! (`_Static_assert`/`static_assert` in `tests/c/headers.c`). A missing compiler skips.

mod common;

use common::*;

#[test]
fn headers_compile_as_c_and_cxx_with_windows_x64_layouts() {
    let src = crate_dir().join("tests/c/headers.c");
    let out = out_dir("headers");
    let mut ran = 0;
    for cc in ["gcc", "clang"] {
        if !have(cc) {
            eprintln!("{cc}: not installed, skipped");
            continue;
        }
        for lang in ["c", "c++"] {
            let obj = out.join(format!("headers-{cc}-{lang}.o"));
            let o = build(cc, lang, &src, &obj, &["-c"]);
            check(&o, &format!("{cc} -x {lang} headers.c"));
            ran += 1;
        }
    }
    eprintln!("header checks run: {ran}");
}

#[test]
fn fd_setsize_defined_by_the_program_wins_over_the_hosts() {
    // A program that defines FD_SETSIZE before winsock2.h gets that size even though
    // <stdlib.h> (glibc: <sys/select.h>) came first, and a default program gets 64.
    let dir = out_dir("fdsetsize");
    let src = dir.join("fdsetsize.c");
    std::fs::write(
        &src,
        "#define FD_SETSIZE 128\n#include <winsock2.h>\n#include <stdlib.h>\n\
         _Static_assert(FD_SETSIZE == 128, \"size\");\n\
         _Static_assert(sizeof(fd_set) == 8 + 8 * 128, \"fd_set\");\n\
         int f(void);\nint f(void) { return 0; }\n",
    )
    .unwrap();
    let src2 = dir.join("fdsetsize_after_stdlib.c");
    std::fs::write(
        &src2,
        "#include <stdlib.h>\n#include <stdio.h>\n#include <winsock2.h>\n\
         _Static_assert(FD_SETSIZE == 64, \"default\");\n\
         _Static_assert(sizeof(fd_set) == 8 + 8 * 64, \"fd_set\");\n\
         int f(void);\nint f(void) { return 0; }\n",
    )
    .unwrap();
    if !have("gcc") {
        return;
    }
    for s in [&src, &src2] {
        let o = build("gcc", "c", s, &dir.join("x.o"), &["-c"]);
        check(&o, &s.display().to_string());
    }
}
