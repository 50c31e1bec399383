ALTER TABLE reviews DROP COLUMN description;
