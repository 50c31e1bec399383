-- description: Invoices, each of one account
-- requires: 001_accounts

-- sluice:up
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    cents INTEGER NOT NULL
);

-- sluice:down
DROP TABLE invoices;
