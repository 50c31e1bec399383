CREATE INDEX narrow ON t (a, b);
