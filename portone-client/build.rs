//! The facade's generated part is written by `portone-gen`'s build script, in the build's one
//! generator run (see its `build.rs`); this script passes its path to the compiler, and says
//! when it has no list operation (a category selection), so the pagination runtime is unused.

fn main() {
    let Ok(path) = std::env::var("DEP_PORTONE_GEN_FACADE") else {
        eprintln!(
            "portone-gen did not say where the facade it generated is (no \
             DEP_PORTONE_GEN_FACADE): portone-gen and portone-client must be the same version"
        );
        std::process::exit(1);
    };
    println!("cargo::rustc-env=PORTONE_FACADE_RS={path}");
    println!("cargo::rustc-check-cfg=cfg(portone_no_list_operations)");
    if std::env::var("DEP_PORTONE_GEN_LIST_OPERATIONS").as_deref() == Ok("0") {
        println!("cargo::rustc-cfg=portone_no_list_operations");
    }
}
