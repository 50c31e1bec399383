SELECT [a;b], `c;d`, "e;""f", 'g;''h';
SELECT 'no backslash escape\'; SELECT 2;
SELECT 3
