ALTER TABLE devices_17 DROP COLUMN archived;
