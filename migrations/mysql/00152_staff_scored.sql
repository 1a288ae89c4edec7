-- +goose Up
-- The scored staff (active and appraised), in employee number order: the
-- month summary's headcount and a scores page's total count them from this
-- index alone, and a page reads its people in its order
-- (models/scores.go, scoredStaff).
CREATE INDEX idx_staff_scored ON staff (active, appraised, employee_no, department_id);

-- +goose Down
DROP INDEX idx_staff_scored ON staff;
