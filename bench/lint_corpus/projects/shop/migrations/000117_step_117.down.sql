ALTER TABLE memberships DROP COLUMN session_link_id;
