-- +goose Up
ALTER TABLE violations ADD COLUMN correction_points DECIMAL(10,2) NULL;

-- +goose Down
ALTER TABLE violations DROP COLUMN correction_points;
