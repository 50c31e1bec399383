-- description: Accounts of the billing service
-- risk: low

-- sluice:up
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE
);

-- sluice:down
DROP TABLE accounts;

-- sluice:verify
-- expect: empty
SELECT id FROM accounts WHERE email IS NULL;
