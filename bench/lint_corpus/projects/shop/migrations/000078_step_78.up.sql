BEGIN;

CREATE INDEX idx_invitations_id ON invitations (id);

COMMIT;
