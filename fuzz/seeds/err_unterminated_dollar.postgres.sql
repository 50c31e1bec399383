SELECT 1;
SELECT $fn$ body
