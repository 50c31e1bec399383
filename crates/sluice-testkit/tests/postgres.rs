//! The test kit's own check: a server starts, databases are separate and dropped.

use sluice_testkit::postgres::{psql, server};

#[test]
fn starts_a_server_and_hands_out_databases() {
    let s = server();
    let a = s.database("kit a");
    let b = s.database("kit b");
    psql(&a.url, "CREATE TABLE only_in_a (x int)").unwrap();
    assert_eq!(
        psql(
            &a.url,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"
        )
        .unwrap(),
        "1"
    );
    assert_eq!(
        psql(
            &b.url,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"
        )
        .unwrap(),
        "0"
    );
    assert!(
        psql(&a.url, "SHOW server_version")
            .unwrap()
            .starts_with("15")
    );
    let name = a.url.rsplit('/').next().unwrap().to_string();
    drop(a);
    let admin = format!("{}/postgres", s.base_url());
    assert_eq!(
        psql(
            &admin,
            &format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'")
        )
        .unwrap(),
        "0"
    );
}
