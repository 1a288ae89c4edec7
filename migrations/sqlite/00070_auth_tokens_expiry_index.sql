-- +goose Up
-- The purge of expired tokens (Store.PurgeTokens) deletes by expiry.
CREATE INDEX IF NOT EXISTS idx_auth_tokens_expires ON auth_tokens (expires_at);

-- +goose Down
DROP INDEX IF EXISTS idx_auth_tokens_expires;
