ALTER TABLE suppliers ALTER COLUMN email TYPE varchar(255);
DROP TABLE subscriptions;
