CREATE TABLE fresh (qty int);
ALTER TABLE fresh ADD CONSTRAINT qty_positive CHECK (qty > 0);
