DROP VIEW IF EXISTS reminders_recent;
CREATE VIEW reminders_recent AS SELECT * FROM reminders ORDER BY created_at DESC LIMIT 50;
