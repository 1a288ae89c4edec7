-- +goose Up
-- Sign-in and password-check throttle counts, shared by every instance: one
-- row per account or client address with failures in the current window.
CREATE TABLE IF NOT EXISTS login_throttle (
  scope_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_login_throttle_window ON login_throttle (window_start);

-- +goose Down
DROP TABLE IF EXISTS login_throttle;
