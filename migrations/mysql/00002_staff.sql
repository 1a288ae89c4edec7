-- +goose Up
CREATE TABLE IF NOT EXISTS staff (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  employee_no VARCHAR(32) NOT NULL,
  name VARCHAR(64) NOT NULL,
  department_id BIGINT NOT NULL,
  role VARCHAR(16) NOT NULL,
  employment_type VARCHAR(16) NOT NULL DEFAULT 'regular',
  phone VARCHAR(32) NOT NULL DEFAULT '',
  active TINYINT(1) NOT NULL DEFAULT 1,
  password_hash VARCHAR(100) NOT NULL,
  password_changed_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_staff_employee_no (employee_no),
  KEY idx_staff_department (department_id, active),
  KEY idx_staff_role (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS staff;
