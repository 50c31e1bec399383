-- description: Holds the migration lock for a while, so that a test can run beside it

-- sluice:up
SELECT pg_sleep(4);
CREATE TABLE billing_accounts (id bigint PRIMARY KEY, email text NOT NULL);

-- sluice:down
DROP TABLE billing_accounts;
