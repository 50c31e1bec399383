ALTER TABLE reviews ADD COLUMN description text;
