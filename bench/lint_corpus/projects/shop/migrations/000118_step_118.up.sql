BEGIN;

ALTER TABLE memberships VALIDATE CONSTRAINT memberships_session_link_id_fkey;

COMMIT;
