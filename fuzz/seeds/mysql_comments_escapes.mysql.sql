SELECT 'it\'s;', "dq\";" # hash comment;
;
SELECT 1--1;
/*!40101 SET NAMES utf8mb4 */;
SELECT `back;tick` -- dash comment;
FROM t
