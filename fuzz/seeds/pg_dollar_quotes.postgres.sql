CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now(); -- not a statement end;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION tagged() RETURNS text AS $body$ SELECT 'a;b' || $x$;$x$ $body$ LANGUAGE sql;
DO $$ BEGIN RAISE NOTICE 'x;'; END $$;
PREPARE q AS SELECT $1::int + 1;
SELECT a$b FROM t$1
