CREATE VIEW scratch_view AS SELECT 1;
DROP VIEW scratch_view;
