DROP VIEW IF EXISTS users_recent;
