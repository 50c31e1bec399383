//! `docs/rules/` is generated from the rule registry (each rule's doc comment, why and
//! instead). This test fails when the checked-in pages differ from what the code says;
//! `SLUICE_BLESS=1 cargo test -p sluice-sql --test rule_docs` rewrites them.

use std::path::Path;

use sluice_lint::rules;

fn page(r: &sluice_lint::Rule) -> String {
    let dialects: Vec<&str> = r.dialects.iter().map(|d| d.name()).collect();
    let mut s = format!(
        "# `{}`\n\n| severity | dialects | default |\n|---|---|---|\n| {} | {} | {} |\n\n",
        r.id,
        r.severity,
        dialects.join(", "),
        if r.default_on {
            "on"
        } else {
            "off (enable in `[lint]`)"
        }
    );
    for l in r.doc.lines() {
        s.push_str(l.strip_prefix(' ').unwrap_or(l));
        s.push('\n');
    }
    s.push_str(&format!(
        "\nSilence one statement with `-- sluice:allow {} <reason>`; print this page with `sluice lint --explain {}`.\n",
        r.id, r.id
    ));
    s
}

fn index() -> String {
    let mut s = String::from(
        "# Safety rules\n\nGenerated from the rule registry (`crates/sluice-lint/src/rules/`); `sluice lint --explain <rule>` prints the same text.\n\n| rule | severity | dialects | default | why |\n|---|---|---|---|---|\n",
    );
    for r in rules::ALL {
        let dialects: Vec<&str> = r.dialects.iter().map(|d| d.name()).collect();
        s.push_str(&format!(
            "| [`{}`]({}.md) | {} | {} | {} | {} |\n",
            r.id,
            r.id,
            r.severity,
            dialects.join(", "),
            if r.default_on { "on" } else { "off" },
            r.why.replace('|', "\\|")
        ));
    }
    s
}

#[test]
fn docs_rules_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let bless = std::env::var_os("SLUICE_BLESS").is_some();
    let mut pages: Vec<(String, String)> = rules::ALL
        .iter()
        .map(|r| (format!("{}.md", r.id), page(r)))
        .collect();
    pages.push(("README.md".into(), index()));
    let mut stale = Vec::new();
    if bless {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
    }
    for (name, text) in &pages {
        let path = dir.join(name);
        if bless {
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert!(
        stale.is_empty(),
        "docs/rules is stale for {stale:?}: run SLUICE_BLESS=1 cargo test -p sluice-sql --test rule_docs"
    );
    assert_eq!(
        on_disk,
        pages.len(),
        "docs/rules has pages for rules that no longer exist"
    );
}
