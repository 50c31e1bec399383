DROP TABLE reminders_19;
