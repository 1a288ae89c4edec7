-- +goose Up
-- Sign-in and password-check throttle counts, shared by every instance: one
-- row per account or client address with failures in the current window.
CREATE TABLE IF NOT EXISTS login_throttle (
  scope_key VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  failures INT NOT NULL,
  window_start DATETIME(3) NOT NULL,
  KEY idx_login_throttle_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE IF EXISTS login_throttle;
