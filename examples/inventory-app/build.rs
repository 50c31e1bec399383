//! Rebuilds the application when a migration is added, removed or changed:
//! `embed_migrations!` reads the folder at compile time, and cargo watches only the files a
//! build read unless told to watch the folder.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=sluice.toml");
}
