CREATE INDEX wide ON t (a, b, c, d);
