ALTER TABLE subscriptions DROP COLUMN metadata;
DROP TABLE teams;
