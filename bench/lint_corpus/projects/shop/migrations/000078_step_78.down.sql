DROP INDEX idx_invitations_id;
