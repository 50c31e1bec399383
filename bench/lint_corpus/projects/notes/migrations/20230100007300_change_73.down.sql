ALTER TABLE reminders DROP COLUMN pinned;
