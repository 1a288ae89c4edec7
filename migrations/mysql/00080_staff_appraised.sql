-- +goose Up
-- A person who is not appraised (system accounts such as the bootstrap
-- admin; outsourced or probation staff as HR decides) is left out of the
-- results template, the scores, the closing snapshot, the workbooks and the
-- headcount. Every existing account but the bootstrap admin stays appraised.
ALTER TABLE staff ADD COLUMN appraised TINYINT(1) NOT NULL DEFAULT 1;
UPDATE staff SET appraised = 0 WHERE employee_no = 'admin' AND role = 'admin';

-- +goose Down
ALTER TABLE staff DROP COLUMN appraised;
