//! # sluice-core — the model and the policy
//!
//! *Internal to sluice: this API may change in any release. Applications use the crate
//! `sluice-migrate`; people use the `sluice` command.*
//!
//! This crate is what sluice *means*, with no database in it:
//!
//! - [`file`](mod@file): the migration file format — header keys, `up` / `down` / `verify`
//!   sections, `-- expect:` checks — parsed strictly, every error with file and line;
//! - [`load`]: a migrations folder, where every `.sql` file is a migration or an error;
//! - [`id`]: the newtypes [`MigrationId`] (with natural order), [`Checksum`] (`v1:` +
//!   SHA-256 of the normalised `up`), [`RunId`];
//! - [`plan`]: the dependency order (topological over `requires`, ties by natural order);
//! - [`state`]: the state machine of one migration in one database;
//! - [`engine`]: the narrow [`Engine`] trait that database engines implement;
//! - [`run`]: the policy — what `status`, `up`, `down` and `verify` do, which transitions
//!   they record, and how a failure is left;
//! - [`deploy`]: what `up` does around the run — analysis, gates, hooks, backup — with
//!   typed events;
//! - [`config`], which reads `sluice.toml`.
//!
//! What it must never do: talk to a database except through [`Engine`], print, or exit.
//! Engines execute and store; the order, the states and the rules live here.

pub mod adopt;
pub mod config;
pub mod deploy;
pub mod engine;
pub mod expect;
pub mod file;
pub mod gates;
pub mod id;
pub mod layout;
pub mod lint;
pub mod load;
pub mod plan;
pub mod projects;
pub mod proof;
pub mod run;
pub mod schema;
pub mod state;
pub mod testdata;
pub mod time;
pub mod timed;
pub mod whoami;

pub use engine::Engine;
pub use file::Migration;
pub use id::{Checksum, MigrationId, RunId};
pub use plan::Plan;
pub use state::State;
