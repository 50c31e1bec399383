DROP FUNCTION IF EXISTS count_invitations(bigint);
CREATE FUNCTION count_invitations(owner bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM invitations WHERE id > owner $$;
GRANT SELECT ON comments TO reporting;
