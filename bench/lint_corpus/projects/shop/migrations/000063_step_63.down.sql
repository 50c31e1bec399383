DROP TABLE memberships;
DROP INDEX idx_notifications_note;
