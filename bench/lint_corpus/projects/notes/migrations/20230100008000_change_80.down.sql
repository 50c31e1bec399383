ALTER TABLE shares_15 DROP COLUMN archived;
