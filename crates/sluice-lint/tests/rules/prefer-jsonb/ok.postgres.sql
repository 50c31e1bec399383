CREATE TABLE t (doc jsonb);
