-- +goose Up
ALTER TABLE violations ADD COLUMN correction_points REAL NULL;

-- +goose Down
ALTER TABLE violations DROP COLUMN correction_points;
