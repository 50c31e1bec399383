DROP VIEW IF EXISTS devices_recent;
