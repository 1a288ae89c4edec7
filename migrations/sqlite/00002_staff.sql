-- +goose Up
CREATE TABLE IF NOT EXISTS staff (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  employee_no TEXT NOT NULL,
  name TEXT NOT NULL,
  department_id INTEGER NOT NULL,
  role TEXT NOT NULL,
  employment_type TEXT NOT NULL DEFAULT 'regular',
  phone TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL,
  password_changed_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_staff_employee_no ON staff (employee_no);
CREATE INDEX IF NOT EXISTS idx_staff_department ON staff (department_id, active);
CREATE INDEX IF NOT EXISTS idx_staff_role ON staff (role);

-- +goose Down
DROP TABLE IF EXISTS staff;
