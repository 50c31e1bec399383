//! The rule registry: every rule, in catalog order, each in its own private module. This
//! list is the only place a rule is named (a rule left out of it is dead code, which the
//! compiler warns about); `lint --explain`, `docs/rules/`, the fixtures and the reports
//! all read it.

use super::{Cx, Rule};
use sluice_sql::parse::{Action, Column, Name, Stmt};

mod add_check_validating;
mod add_column_auto_increment;
mod add_column_generated_stored;
mod add_column_positional_risk;
mod add_column_volatile_default;
mod add_exclusion_constraint;
mod add_foreign_key_validating;
mod add_not_null_column_without_default;
mod add_primary_key;
mod add_unique_constraint;
mod add_unique_on_existing_data;
mod alter_sequence;
mod attach_partition_scan;
mod autovacuum_disabled;
mod backfill_in_ddl_transaction;
mod behaviour_change_objects;
mod change_column_type;
mod concurrent_index_pg14_bug;
mod concurrently_in_transaction;
mod create_index_not_concurrent;
mod create_or_replace_table;
mod create_trigger;
mod detach_partition_not_concurrent;
mod drop_cascade;
mod drop_column;
mod drop_dependent_object;
mod drop_index_not_concurrent;
mod drop_not_null;
mod drop_schema_or_database;
mod drop_table;
mod enum_add_value;
mod explicit_lock_table;
mod foreign_key_without_index;
mod galera_unreplicated;
mod grant_to_public;
mod identifier_too_long;
mod index_hygiene;
mod index_on_partitioned_table;
mod many_exclusive_locks_in_one_transaction;
mod missing_down;
mod missing_lock_timeout;
mod missing_statement_timeout;
mod mixed_transactional_modes;
mod mysql_copy_algorithm;
mod mysql_enum_set_change;
mod mysql_implicit_commit;
mod mysql_inline_references_ignored;
mod mysql_inplace_rebuild;
mod mysql_instant_row_versions;
mod mysql_merge_alters;
mod mysql_not_null_implicit_default;
mod mysql_require_algorithm_lock;
mod naming_convention;
mod narrowing_type_change;
mod non_idempotent_ddl;
mod on_delete_cascade;
mod prefer_bigint_keys;
mod prefer_identity;
mod prefer_jsonb;
mod prefer_text_over_bounded_types;
mod prefer_timestamptz;
mod refresh_matview_blocking;
mod reindex_not_concurrent;
mod rename_column;
mod rename_or_move_object;
mod rename_table;
mod require_primary_key;
mod risk_understated;
mod security_definer_without_search_path;
mod set_not_null;
mod sqlite_alter_restrictions;
mod sqlite_pragma_in_transaction;
mod sqlite_table_rebuild;
mod statement_not_analysed;
mod table_rewrite_command;
mod table_without_rls;
mod transaction_control_in_migration;
mod truncate;
mod unbounded_dml;
mod validate_in_same_transaction;

/// Every rule, in catalog order.
pub static ALL: &[&Rule] = &[
    &create_index_not_concurrent::RULE,
    &drop_index_not_concurrent::RULE,
    &reindex_not_concurrent::RULE,
    &concurrently_in_transaction::RULE,
    &add_column_volatile_default::RULE,
    &add_column_generated_stored::RULE,
    &add_column_auto_increment::RULE,
    &change_column_type::RULE,
    &set_not_null::RULE,
    &add_foreign_key_validating::RULE,
    &add_check_validating::RULE,
    &validate_in_same_transaction::RULE,
    &add_unique_constraint::RULE,
    &add_primary_key::RULE,
    &add_exclusion_constraint::RULE,
    &create_trigger::RULE,
    &table_rewrite_command::RULE,
    &detach_partition_not_concurrent::RULE,
    &attach_partition_scan::RULE,
    &refresh_matview_blocking::RULE,
    &explicit_lock_table::RULE,
    &alter_sequence::RULE,
    &mysql_copy_algorithm::RULE,
    &mysql_implicit_commit::RULE,
    &sqlite_table_rebuild::RULE,
    &sqlite_alter_restrictions::RULE,
    &sqlite_pragma_in_transaction::RULE,
    &drop_table::RULE,
    &drop_column::RULE,
    &drop_schema_or_database::RULE,
    &truncate::RULE,
    &drop_cascade::RULE,
    &unbounded_dml::RULE,
    &drop_dependent_object::RULE,
    &rename_column::RULE,
    &rename_table::RULE,
    &rename_or_move_object::RULE,
    &enum_add_value::RULE,
    &drop_not_null::RULE,
    &add_unique_on_existing_data::RULE,
    &add_not_null_column_without_default::RULE,
    &narrowing_type_change::RULE,
    &missing_lock_timeout::RULE,
    &missing_statement_timeout::RULE,
    &non_idempotent_ddl::RULE,
    &transaction_control_in_migration::RULE,
    &mixed_transactional_modes::RULE,
    &backfill_in_ddl_transaction::RULE,
    &many_exclusive_locks_in_one_transaction::RULE,
    &concurrent_index_pg14_bug::RULE,
    &security_definer_without_search_path::RULE,
    &table_without_rls::RULE,
    &grant_to_public::RULE,
    &statement_not_analysed::RULE,
    &risk_understated::RULE,
    &missing_down::RULE,
    &mysql_inplace_rebuild::RULE,
    &mysql_require_algorithm_lock::RULE,
    &mysql_enum_set_change::RULE,
    &mysql_instant_row_versions::RULE,
    &mysql_merge_alters::RULE,
    &mysql_inline_references_ignored::RULE,
    &mysql_not_null_implicit_default::RULE,
    &galera_unreplicated::RULE,
    &create_or_replace_table::RULE,
    &index_on_partitioned_table::RULE,
    &add_column_positional_risk::RULE,
    &behaviour_change_objects::RULE,
    &prefer_bigint_keys::RULE,
    &prefer_identity::RULE,
    &prefer_timestamptz::RULE,
    &prefer_text_over_bounded_types::RULE,
    &prefer_jsonb::RULE,
    &require_primary_key::RULE,
    &identifier_too_long::RULE,
    &foreign_key_without_index::RULE,
    &index_hygiene::RULE,
    &naming_convention::RULE,
    &autovacuum_disabled::RULE,
    &on_delete_cascade::RULE,
];

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// The table and actions of an `ALTER TABLE`.
pub(crate) fn alter<'a>(cx: &Cx<'a>) -> Option<(&'a Name, &'a [Action])> {
    match cx.stmt {
        Stmt::AlterTable { name, actions, .. } => Some((name, actions)),
        _ => None,
    }
}

/// The statements after this one that commit with it, on a dialect whose DDL is
/// transactional (PostgreSQL, SQLite): the rest of the transaction it runs in. Empty on
/// MySQL/MariaDB (every DDL statement commits by itself) and outside a transaction, where
/// other sessions see each statement's effect as soon as it runs.
pub(crate) fn rest_of_transaction<'a>(cx: &Cx<'a>) -> Vec<&'a Stmt> {
    if cx.dialect() == sluice_sql::Dialect::MySql || !cx.in_transaction() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &cx.all[cx.index + 1..] {
        match s {
            Ok(Stmt::Transaction(
                sluice_sql::parse::Tx::Commit | sluice_sql::parse::Tx::Rollback,
            )) => break,
            Ok(s) => out.push(s),
            Err(_) => {}
        }
    }
    out
}

/// Whether a statement after this one, in the same transaction, creates (or replaces) the
/// `kind` object named `bare` (lower-case, no schema): then no other session ever sees it
/// missing.
pub(crate) fn recreated_in_transaction(
    cx: &Cx<'_>,
    kind: sluice_sql::parse::ObjectKind,
    bare: &str,
) -> bool {
    rest_of_transaction(cx)
        .into_iter()
        .any(|s| creates(cx, s, kind, bare))
}

/// Whether a later statement of the migration, in any transaction, creates the object.
pub(crate) fn recreated_later(
    cx: &Cx<'_>,
    kind: sluice_sql::parse::ObjectKind,
    bare: &str,
) -> bool {
    cx.all[cx.index + 1..]
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .any(|s| creates(cx, s, kind, bare))
}

fn creates(cx: &Cx<'_>, s: &Stmt, kind: sluice_sql::parse::ObjectKind, bare: &str) -> bool {
    let fx = crate::analyze::effects(s, cx.options, cx.state);
    fx.created
        .iter()
        .chain(&fx.altered)
        .any(|o| o.kind == kind && o.bare_name() == bare)
}

/// Columns this statement defines (`CREATE TABLE`, `ADD COLUMN`).
pub(crate) fn new_columns<'a>(cx: &Cx<'a>) -> Box<dyn Iterator<Item = &'a Column> + 'a> {
    match cx.stmt {
        Stmt::CreateTable { columns, .. } => Box::new(columns.iter()),
        Stmt::AlterTable { actions, .. } => Box::new(actions.iter().filter_map(|a| match a {
            Action::AddColumn { column, .. } => Some(column),
            _ => None,
        })),
        _ => Box::new(std::iter::empty()),
    }
}
