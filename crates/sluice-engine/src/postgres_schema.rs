//! Introspection of a PostgreSQL database into the normalised snapshot model, and the
//! incremental snapshots `sluice test` takes several times per migration.
//!
//! A full snapshot is two queries: the objects that belong to no relation (schemas,
//! extensions, enum types, routines) and the relation objects (tables with their
//! constraints and comments, sequences, indexes, views, materialized views, and the
//! triggers and policies of each table), each row naming the relation it belongs to.
//!
//! A later snapshot on the same connection first asks for a *stamp* of every relation:
//! the transaction ids (`xmin`) of every catalog row that makes up its definition (its
//! `pg_class` row, columns, defaults, constraints, index row, rewrite rule, triggers,
//! policies, sequence row, partition key, comments, extension membership) and the same of
//! every relation it refers to by name (through `pg_depend`: a foreign key's target, a
//! view's tables, an index's table, a default's sequence), plus one *epoch* over the
//! catalogs whose names any definition may print (schemas, types, routines, operators,
//! collations, operator classes, languages, text-search configurations, extensions,
//! roles). A catalog row is never changed in place by DDL: every change writes a new row
//! version with the writing transaction's id, so an equal stamp means the very same row
//! versions, hence the same definition. When the epoch moved, the snapshot is taken in
//! full; otherwise only the relations whose stamp moved (or that are new) are read again,
//! and the dropped ones are forgotten. `sluice test` checks the result against a full
//! snapshot once at the end of its run.

use std::collections::{BTreeSet, HashMap, HashSet};

use sha2::{Digest, Sha256};

use tokio_postgres::Statement;

use crate::pg_client::Client;
use sluice_core::engine::DbError;
use sluice_core::schema::SchemaObject;

use crate::postgres::map_error;

/// Schemas that are the user's: not the system's, not sluice's own (`$1`).
pub(crate) const NSP_OK: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
    AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' AND n.nspname <> $1";

/// Objects of no relation; each query returns (kind, qualified name, definition). Objects
/// that belong to an extension (pg_depend 'e') are the extension's, not the schema's.
const OTHER_QUERIES: [&str; 4] = [
    "SELECT 'schema', quote_ident(n.nspname), 'CREATE SCHEMA ' || quote_ident(n.nspname) FROM pg_namespace n WHERE {NSP}",
    "SELECT 'extension', quote_ident(e.extname), format('CREATE EXTENSION %I WITH SCHEMA %I VERSION %L', e.extname, n.nspname, e.extversion) \
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' AND {NSP}",
    "SELECT 'type', quote_ident(n.nspname) || '.' || quote_ident(t.typname), \
     format('CREATE TYPE %I.%I AS ENUM (%s)', n.nspname, t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)) \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid \
     WHERE {NSP} AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_type'::regclass AND dep.objid = t.oid AND dep.deptype = 'e') GROUP BY n.nspname, t.typname",
    "SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, \
     quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')', \
     pg_get_functiondef(p.oid) \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE {NSP} AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = p.oid AND dep.deptype = 'e')",
];

/// Objects of a relation; each query returns (kind, qualified name, definition, the
/// relation's oid); `{REL:column}` stands for a filter on the relations `$2` (or, in the
/// statement that reads them all, for `$2 IS NULL`).
const RELATION_QUERIES: [&str; 7] = [
    "SELECT 'sequence', quote_ident(n.nspname) || '.' || quote_ident(c.relname), \
     format('CREATE SEQUENCE %I.%I AS %s START %s INCREMENT %s MINVALUE %s MAXVALUE %s CACHE %s%s', n.nspname, c.relname, \
            format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END), \
     c.oid \
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE {NSP} AND {REL:c.oid} AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')",
    "SELECT 'table', quote_ident(n.nspname) || '.' || quote_ident(c.relname), \
     format(E'CREATE TABLE %I.%I (\\n%s\\n)%s%s%s%s', n.nspname, c.relname, \
       concat_ws(E',\\n', \
         (SELECT string_agg(format('    %I %s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod), \
             CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY' ELSE '' END, \
             CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED' \
                  WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END, \
             CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END), E',\\n' ORDER BY a.attnum) \
          FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), \
         (SELECT string_agg(format('    CONSTRAINT %I %s', co.conname, pg_get_constraintdef(co.oid, true)), E',\\n' ORDER BY co.conname) \
          FROM pg_constraint co WHERE co.conrelid = c.oid)), \
       CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END, \
       CASE WHEN c.relrowsecurity THEN format(E';\\nALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', n.nspname, c.relname) ELSE '' END, \
       CASE WHEN c.relforcerowsecurity THEN format(E';\\nALTER TABLE %I.%I FORCE ROW LEVEL SECURITY', n.nspname, c.relname) ELSE '' END, \
       coalesce((SELECT string_agg(CASE WHEN de.objsubid = 0 THEN format(E';\\nCOMMENT ON TABLE %I.%I IS %L', n.nspname, c.relname, de.description) \
                                   ELSE format(E';\\nCOMMENT ON COLUMN %I.%I.%I IS %L', n.nspname, c.relname, a.attname, de.description) END, '' ORDER BY de.objsubid) \
                 FROM pg_description de LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = de.objsubid \
                 WHERE de.objoid = c.oid AND de.classoid = 'pg_class'::regclass AND (de.objsubid = 0 OR NOT a.attisdropped)), '')), \
     c.oid \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p') AND {NSP} AND {REL:c.oid} AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')",
    "SELECT 'index', quote_ident(n.nspname) || '.' || quote_ident(ci.relname), \
     pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' /* INVALID: a failed CREATE INDEX CONCURRENTLY left it; drop and recreate it */' END, \
     ci.oid \
     FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid JOIN pg_namespace n ON n.oid = ci.relnamespace \
     WHERE {NSP} AND {REL:ci.oid} AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = ct.oid AND dep.deptype = 'e')",
    "SELECT 'view', quote_ident(n.nspname) || '.' || quote_ident(c.relname), format(E'CREATE VIEW %I.%I AS\\n%s', n.nspname, c.relname, pg_get_viewdef(c.oid, true)), \
     c.oid \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND {NSP} AND {REL:c.oid} \
     AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')",
    "SELECT 'materialized view', quote_ident(n.nspname) || '.' || quote_ident(c.relname), format(E'CREATE MATERIALIZED VIEW %I.%I AS\\n%s', n.nspname, c.relname, pg_get_viewdef(c.oid, true)), \
     c.oid \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND {NSP} AND {REL:c.oid}",
    "SELECT 'trigger', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(t.tgname), pg_get_triggerdef(t.oid, true), \
     c.oid \
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE NOT t.tgisinternal AND {NSP} AND {REL:c.oid} AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype = 'e')",
    "SELECT 'policy', quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(p.polname), \
     format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s', p.polname, n.nspname, c.relname, \
       CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, \
       CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END, \
       CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT string_agg(quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_roles r WHERE r.oid = ANY (p.polroles)) END, \
       coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', ''), \
       coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')), \
     c.oid \
     FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {NSP} AND {REL:c.oid}",
];

/// The catalog rows stamps are made of, one simple index range scan each (user objects
/// have oids from 16384), so that no plan can make the query worse than linear; the
/// stamps are put together by [`stamps`]. Each row is (tag, relation, object, text):
///
/// - `c`: a relation of the user's schemas (`$1` is sluice's own schema, left out); `C`:
///   a composite type's relation there (its columns, the `a` rows of it, go to the epoch);
/// - `a d k i r t p s q m e`: a column, default, constraint, index row, rewrite rule,
///   trigger, policy, sequence row, partition key, comment or extension membership of the
///   relation, with its row's `xmin` (and, for `d k r t p`, the object's oid, which
///   `pg_depend` names);
/// - `D`: a dependency of an object on another (`text`: their catalogs' oids), and of every
///   index on its table (whose `pg_depend` row may name the constraint that made it);
/// - `T`: a type (`text`: its category, element type and `xmin`), for the relations whose
///   rows or arrays of rows are a column's type, and for the epoch;
/// - `E`, `R`: the other rows of the epoch, and the roles by name.
const STAMP_ROWS: &str = "\
SELECT CASE WHEN c.relkind = 'c' THEN 'C' ELSE 'c' END, c.oid, c.oid, c.xmin::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'f', 'c') AND {NSP}
UNION ALL SELECT 'a', attrelid, 0::oid, xmin::text FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0
UNION ALL SELECT 'd', adrelid, oid, xmin::text FROM pg_attrdef WHERE adrelid >= 16384
UNION ALL SELECT 'k', conrelid, oid, xmin::text FROM pg_constraint WHERE conrelid >= 16384
UNION ALL SELECT 'i', indexrelid, 0::oid, xmin::text || indisvalid::text FROM pg_index WHERE indexrelid >= 16384
UNION ALL SELECT 'r', ev_class, oid, xmin::text FROM pg_rewrite WHERE ev_class >= 16384
UNION ALL SELECT 't', tgrelid, oid, xmin::text FROM pg_trigger WHERE tgrelid >= 16384
UNION ALL SELECT 'p', polrelid, oid, xmin::text FROM pg_policy WHERE polrelid >= 16384
UNION ALL SELECT 's', seqrelid, 0::oid, xmin::text FROM pg_sequence WHERE seqrelid >= 16384
UNION ALL SELECT 'q', partrelid, 0::oid, xmin::text FROM pg_partitioned_table WHERE partrelid >= 16384
UNION ALL SELECT 'm', objoid, 0::oid, objsubid::text || ':' || xmin::text FROM pg_description
  WHERE objoid >= 16384 AND classoid = 'pg_class'::regclass
UNION ALL SELECT 'e', objid, 0::oid, xmin::text FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid >= 16384 AND deptype = 'e'
UNION ALL SELECT 'D', objid, refobjid, classid::text || ' ' || refclassid::text FROM pg_depend
  WHERE classid IN ('pg_class'::regclass, 'pg_constraint'::regclass, 'pg_attrdef'::regclass, 'pg_rewrite'::regclass,
                    'pg_trigger'::regclass, 'pg_policy'::regclass)
    AND objid >= 16384 AND refobjid >= 16384 AND refclassid IN ('pg_class'::regclass, 'pg_type'::regclass)
UNION ALL SELECT 'D', indexrelid, indrelid, '1259 1259' FROM pg_index WHERE indexrelid >= 16384
UNION ALL SELECT 'T', typrelid, oid, typcategory::text || ' ' || typelem::text || ' ' || xmin::text FROM pg_type WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'namespace ' || xmin::text FROM pg_namespace
UNION ALL SELECT 'E', oid, 0::oid, 'enum ' || xmin::text FROM pg_enum WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'proc ' || xmin::text FROM pg_proc WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'operator ' || xmin::text FROM pg_operator WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'collation ' || xmin::text FROM pg_collation WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'opclass ' || xmin::text FROM pg_opclass WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'language ' || xmin::text FROM pg_language WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'ts_config ' || xmin::text FROM pg_ts_config WHERE oid >= 16384
UNION ALL SELECT 'E', oid, 0::oid, 'extension ' || xmin::text FROM pg_extension
UNION ALL SELECT 'E', objid, 0::oid, 'member ' || classid::text || ':' || xmin::text FROM pg_depend
  WHERE classid IN ('pg_proc'::regclass, 'pg_type'::regclass) AND objid >= 16384 AND deptype = 'e'
UNION ALL SELECT 'R', oid, 0::oid, rolname::text FROM pg_roles";

/// The statements of a snapshot, prepared once per connection.
pub(crate) struct Prepared {
    others: Statement,
    /// Every relation's objects (`$2` NULL).
    all: Statement,
    /// The objects of the relations `$2` (a plan of its own: one that also serves NULL is
    /// a poor plan for both).
    some: Statement,
    stamps: Statement,
}

impl Prepared {
    pub(crate) fn new(client: &mut Client) -> Result<Prepared, DbError> {
        let nsp = |q: &str| q.replace("{NSP}", NSP_OK);
        let others = OTHER_QUERIES.map(nsp).join("\nUNION ALL\n");
        let relations = |filter: &dyn Fn(&str) -> String| {
            RELATION_QUERIES
                .map(|q| {
                    let mut q = nsp(q);
                    for col in ["c.oid", "ci.oid"] {
                        q = q.replace(&format!("{{REL:{col}}}"), &filter(col));
                    }
                    q
                })
                .join("\nUNION ALL\n")
        };
        let all = relations(&|_| "$2::oid[] IS NULL".to_string());
        let some = relations(&|col| format!("{col} = ANY ($2::oid[])"));
        let mut prepare = |sql: &str| client.prepare(sql).map_err(|e| map_error(&e));
        Ok(Prepared {
            others: prepare(&others)?,
            all: prepare(&all)?,
            some: prepare(&some)?,
            stamps: prepare(&nsp(STAMP_ROWS))?,
        })
    }
}

/// What the last snapshot of this connection saw, for the next one.
/// A SHA-256 over the catalog rows a definition is made of.
type Stamp = [u8; 32];

#[derive(Default)]
pub(crate) struct Cache {
    epoch: Stamp,
    others: Vec<SchemaObject>,
    /// Per relation: its stamp and the objects it yields.
    relations: HashMap<u32, (Stamp, Vec<SchemaObject>)>,
}

/// Every object of the user's schemas; with a `cache` of an earlier snapshot of this
/// database, only what changed since is read again (and the cache brought up to date).
pub(crate) fn objects(
    client: &mut Client,
    prepared: &Prepared,
    schema: &str,
    cache: &mut Option<Cache>,
) -> Result<Vec<SchemaObject>, DbError> {
    let rows = client
        .query(&prepared.stamps, &[&schema])
        .map_err(|e| map_error(&e))?;
    let (stamps, epoch) = stamps(
        rows.iter()
            .map(|r| (r.get::<_, &str>(0), r.get(1), r.get(2), r.get::<_, &str>(3))),
    );
    let reuse = cache.take().filter(|c| c.epoch == epoch);
    let mut next = match reuse {
        Some(mut c) => {
            c.relations.retain(|rel, _| stamps.contains_key(rel));
            let changed: Vec<u32> = stamps
                .iter()
                .filter(|(rel, stamp)| c.relations.get(rel).is_none_or(|(s, _)| s != *stamp))
                .map(|(rel, _)| *rel)
                .collect();
            if !changed.is_empty() {
                let fresh = relation_objects(client, prepared, schema, Some(&changed))?;
                let seen: HashSet<u32> = fresh.keys().copied().collect();
                for (rel, objs) in fresh {
                    c.relations.insert(rel, (stamps[&rel], objs));
                }
                // A changed relation that yields no object (an extension's, a TOAST
                // index) is remembered as yielding none.
                for rel in changed.into_iter().filter(|r| !seen.contains(r)) {
                    c.relations.insert(rel, (stamps[&rel], Vec::new()));
                }
            }
            c
        }
        None => {
            let mut others = Vec::new();
            for r in client
                .query(&prepared.others, &[&schema])
                .map_err(|e| map_error(&e))?
            {
                others.push(SchemaObject {
                    kind: r.get(0),
                    name: r.get(1),
                    definition: r.get(2),
                });
            }
            let mut fresh = relation_objects(client, prepared, schema, None)?;
            let relations = stamps
                .into_iter()
                .map(|(rel, stamp)| (rel, (stamp, fresh.remove(&rel).unwrap_or_default())))
                .collect();
            Cache {
                epoch,
                others,
                relations,
            }
        }
    };
    let mut out = next.others.clone();
    for (_, objs) in next.relations.values() {
        out.extend(objs.iter().cloned());
    }
    next.others.shrink_to_fit();
    *cache = Some(next);
    Ok(out)
}

/// The relation objects of the relations `only` (all when `None`), by relation.
fn relation_objects(
    client: &mut Client,
    prepared: &Prepared,
    schema: &str,
    only: Option<&[u32]>,
) -> Result<HashMap<u32, Vec<SchemaObject>>, DbError> {
    let only: Option<Vec<u32>> = only.map(<[u32]>::to_vec);
    let mut out: HashMap<u32, Vec<SchemaObject>> = HashMap::new();
    let stmt = if only.is_some() {
        &prepared.some
    } else {
        &prepared.all
    };
    for r in client
        .query(stmt, &[&schema, &only])
        .map_err(|e| map_error(&e))?
    {
        out.entry(r.get(3)).or_default().push(SchemaObject {
            kind: r.get(0),
            name: r.get(1),
            definition: r.get(2),
        });
    }
    Ok(out)
}

/// Puts the rows of [`STAMP_ROWS`] together: each relation's stamp (its own rows' tags
/// and `xmin`s, then those of every relation it refers to) and the epoch.
fn stamps<'r>(
    rows: impl Iterator<Item = (&'r str, u32, u32, &'r str)>,
) -> (HashMap<u32, Stamp>, Stamp) {
    // The catalogs' own oids, fixed in every PostgreSQL version.
    const PG_CLASS: u32 = 1259;
    const PG_TYPE: u32 = 1247;
    let mut own: HashMap<u32, Vec<(&str, &str)>> = HashMap::new();
    // (catalog, object) of a relation, rule, constraint, default, trigger or policy → its
    // relation.
    let mut owner: HashMap<(u32, u32), u32> = HashMap::new();
    let mut deps: Vec<(&str, u32, u32)> = Vec::new();
    let mut epoch: Vec<(&str, u32, &str)> = Vec::new();
    let mut composite: HashSet<u32> = HashSet::new();
    // (type, its relation, category, element type, xmin)
    let mut types: Vec<(u32, u32, &str, u32, &str)> = Vec::new();
    for (tag, rel, obj, text) in rows {
        match tag {
            "D" => deps.push((text, rel, obj)),
            "T" => {
                let mut parts = text.splitn(3, ' ');
                if let (Some(category), Some(elem), Some(xmin)) =
                    (parts.next(), parts.next(), parts.next())
                {
                    types.push((obj, rel, category, elem.parse().unwrap_or(0), xmin));
                }
            }
            "E" | "R" | "C" => {
                if tag == "C" {
                    composite.insert(rel);
                }
                epoch.push((tag, rel, text));
            }
            _ => {
                let catalog = match tag {
                    "c" => Some(PG_CLASS),
                    "d" => Some(2604),
                    "k" => Some(2606),
                    "r" => Some(2618),
                    "t" => Some(2620),
                    "p" => Some(3256),
                    _ => None,
                };
                if let Some(catalog) = catalog {
                    owner.insert((catalog, obj), rel);
                }
                own.entry(rel).or_default().push((tag, text));
            }
        }
    }
    // A relation's row type, and arrays of it, stand for the relation; the other types
    // (enums, domains, composite types, ranges) are the epoch's.
    let mut rows_of: HashMap<u32, u32> = types
        .iter()
        .filter(|t| t.1 != 0)
        .map(|t| (t.0, t.1))
        .collect();
    for &(oid, relation, category, elem, xmin) in &types {
        if category == "A" {
            if let Some(r) = rows_of.get(&elem).copied() {
                rows_of.insert(oid, r);
            }
        } else if relation == 0 || composite.contains(&relation) {
            epoch.push(("T", oid, xmin));
        }
    }
    for rel in &composite {
        for (tag, text) in own.remove(rel).into_iter().flatten() {
            epoch.push((tag, *rel, text));
        }
    }
    // Only the relations of the user's schemas (the `c` rows) have stamps; rows of other
    // relations (sluice's own tables, TOAST) came along and are dropped here.
    own.retain(|rel, _| owner.get(&(PG_CLASS, *rel)) == Some(rel));
    let mut refers: HashMap<u32, BTreeSet<u32>> = HashMap::new();
    for (catalogs, obj, other) in deps {
        let mut ids = catalogs.split(' ').map(|c| c.parse::<u32>().unwrap_or(0));
        let (catalog, target) = (ids.next().unwrap_or(0), ids.next().unwrap_or(0));
        let target = match target {
            PG_CLASS => Some(other),
            PG_TYPE => rows_of.get(&other).copied(),
            _ => None,
        };
        if let (Some(rel), Some(target)) = (owner.get(&(catalog, obj)), target)
            && *rel != target
        {
            refers.entry(*rel).or_default().insert(target);
        }
    }
    for parts in own.values_mut() {
        parts.sort_unstable();
    }
    let feed = |h: &mut Sha256, parts: &[(&str, &str)]| {
        for (tag, text) in parts {
            h.update(tag.as_bytes());
            h.update(text.as_bytes());
            h.update(b",");
        }
    };
    let mut stamps = HashMap::with_capacity(own.len());
    for (rel, parts) in &own {
        let mut h = Sha256::new();
        feed(&mut h, parts);
        for other in refers.get(rel).into_iter().flatten() {
            h.update(b"|");
            h.update(other.to_le_bytes());
            feed(&mut h, own.get(other).map_or(&[], Vec::as_slice));
        }
        stamps.insert(*rel, h.finalize().into());
    }
    epoch.sort_unstable();
    let mut h = Sha256::new();
    for (tag, oid, text) in &epoch {
        h.update(tag.as_bytes());
        h.update(oid.to_le_bytes());
        h.update(text.as_bytes());
        h.update(b",");
    }
    (stamps, h.finalize().into())
}
