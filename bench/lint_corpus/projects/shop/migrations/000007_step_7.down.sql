REVOKE SELECT ON categories FROM reporting;
