-- requires: 001_slow_start

-- sluice:up
CREATE TABLE billing_invoices (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES billing_accounts (id));

-- sluice:down
DROP TABLE billing_invoices;
