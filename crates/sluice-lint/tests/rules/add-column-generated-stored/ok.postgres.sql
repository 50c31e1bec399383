CREATE TABLE fresh (a int, b int GENERATED ALWAYS AS (a * 2) STORED);
