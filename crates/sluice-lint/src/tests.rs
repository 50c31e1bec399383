use super::analyze::effects;
use super::{Options, State};
use sluice_sql::Dialect;
use sluice_sql::parse::parse;

fn fx(sql: &str) -> super::Effects {
    let o = Options::new(Dialect::Postgres);
    effects(
        &parse(sql, Dialect::Postgres).unwrap(),
        &o,
        &State::new(Dialect::Postgres, &super::Before::new()),
    )
}

#[test]
fn a_reviewer_reads_the_details_of_what_is_created() {
    let i = fx("CREATE UNIQUE INDEX one_active ON boms (listing_id) WHERE is_active");
    assert_eq!(i.created[0].to_string(), "index one_active");
    assert_eq!(
        i.created[0].detail.as_deref(),
        Some("unique, partial, on boms (listing_id)")
    );
    let i = fx("CREATE INDEX by_sku ON listings (sku)");
    assert_eq!(i.created[0].detail.as_deref(), Some("on listings (sku)"));
    let t = fx("CREATE TYPE mood AS ENUM ('happy', 'sad')");
    assert_eq!(t.created[0].detail.as_deref(), Some("enum: happy, sad"));
    let f = fx(
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS 'select 1'",
    );
    assert_eq!(f.created[0].detail.as_deref(), Some("SECURITY DEFINER"));
    let f = fx("CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'select 1'");
    assert_eq!(f.created[0].detail, None);
}

#[test]
fn foreign_keys_are_listed_with_their_on_delete_rule() {
    let t = fx("CREATE TABLE orders (id int PRIMARY KEY, \
         user_id int REFERENCES users (id) ON DELETE CASCADE, \
         shop_id int, FOREIGN KEY (shop_id) REFERENCES shops (id))");
    assert_eq!(t.created[0].detail.as_deref(), Some("3 columns"));
    assert_eq!(t.foreign_keys.len(), 2);
    assert_eq!(t.foreign_keys[0].columns, ["user_id"]);
    assert_eq!(t.foreign_keys[0].references.name, "users");
    assert_eq!(t.foreign_keys[0].on_delete.as_deref(), Some("CASCADE"));
    assert_eq!(t.foreign_keys[1].columns, ["shop_id"]);
    assert_eq!(t.foreign_keys[1].on_delete, None);
    let a = fx(
        "ALTER TABLE boms ADD CONSTRAINT boms_asin_fk FOREIGN KEY (asin_id) \
         REFERENCES asins (id) ON DELETE SET NULL",
    );
    assert_eq!(a.foreign_keys[0].table.name, "boms");
    assert_eq!(a.foreign_keys[0].on_delete.as_deref(), Some("SET NULL"));
}
