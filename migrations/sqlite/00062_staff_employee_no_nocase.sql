-- +goose Up
-- One employee number, one account, whatever the case: MariaDB's collation
-- already compares case-insensitively; on SQLite this index makes D008 and
-- d008 the same key and serves the sign-in lookup by UPPER(employee_no).
-- It fails on a database that holds two numbers differing only in case:
-- rename one first.
CREATE UNIQUE INDEX IF NOT EXISTS idx_staff_employee_no_upper ON staff (UPPER(employee_no));

-- +goose Down
DROP INDEX IF EXISTS idx_staff_employee_no_upper;
