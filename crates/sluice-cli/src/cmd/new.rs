//! `sluice new <name>`: writes a migration file with its sections.

use std::io::Write;

use sluice_core::time::Timestamp;
use sluice_core::whoami;

use crate::args::NewArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: NewArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let name = args.name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "`{name}` is not a migration name: use letters, digits and `_`, e.g. add_status_map_tables"
            ),
        ));
    }
    let id = format!("{}_{name}", Timestamp::now().compact());
    std::fs::create_dir_all(&s.migrations)?;
    let path = s.migrations.join(format!("{id}.sql"));
    if path.exists() {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "{} exists already: wait a second or pick another name",
                path.display()
            ),
        ));
    }
    let text = format!(
        "-- author: {}\n-- description: {}\n-- risk: low\n\n-- sluice:up\n\n-- sluice:down\n\n-- sluice:verify\n",
        whoami::actor(&s.project),
        name.replace('_', " ")
    );
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    f.write_all(text.as_bytes())?;
    writeln!(out, "created {}", path.display())?;
    writeln!(
        out,
        "write the forward SQL under `-- sluice:up` and the rollback under `-- sluice:down`; sluice refuses the file until `up` holds SQL"
    )?;
    Ok(Exit::Success)
}
