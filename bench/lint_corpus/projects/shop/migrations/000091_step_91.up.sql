BEGIN;

ALTER TABLE subscriptions ADD COLUMN is_default boolean;

COMMIT;
