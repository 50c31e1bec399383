DROP VIEW IF EXISTS reminders_recent;
