//! The uniffi bindings generator, built from this workspace so its version always
//! matches the library's uniffi (`scripts/gen-bindings.sh` runs it in library mode).

fn main() {
    uniffi::uniffi_bindgen_main()
}
