REVOKE SELECT ON comments FROM reporting;
DROP FUNCTION count_invitations(bigint);
