RENAME TABLE customers TO clients;
