BEGIN;

ALTER TABLE memberships ADD COLUMN session_link_id bigint;
ALTER TABLE memberships ADD CONSTRAINT memberships_session_link_id_fkey FOREIGN KEY (session_link_id) REFERENCES sessions (id) NOT VALID;

COMMIT;
