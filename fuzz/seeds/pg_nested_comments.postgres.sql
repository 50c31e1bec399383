/* outer /* inner; */ still a comment; */ SELECT 1;
-- a line comment; with a semicolon
SELECT "quoted;ident" FROM "a""b";
