-- +goose Up
-- Nothing to do on MySQL/MariaDB: the utf8mb4_unicode_ci collation of
-- staff.employee_no already makes D008 and d008 the same unique key (the
-- SQLite migration of this version adds the equivalent index there).
SELECT 1;

-- +goose Down
SELECT 1;
