DROP VIEW IF EXISTS scratch_view;
