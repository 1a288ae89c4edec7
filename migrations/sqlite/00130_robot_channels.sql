-- +goose Up
-- Group robots (WeCom, DingTalk, Feishu) are webhooks of another kind:
-- they share the outbox, the retries and the delivery log. A robot posts
-- for one department (and, with include_sub, the departments below it)
-- and the event kinds listed in events.
ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'generic';
ALTER TABLE webhooks ADD COLUMN format TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN department_id INTEGER NULL;
ALTER TABLE webhooks ADD COLUMN include_sub INTEGER NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS idx_webhooks_kind ON webhooks (kind, department_id);

-- +goose Down
DROP INDEX IF EXISTS idx_webhooks_kind;
ALTER TABLE webhooks DROP COLUMN include_sub;
ALTER TABLE webhooks DROP COLUMN department_id;
ALTER TABLE webhooks DROP COLUMN format;
ALTER TABLE webhooks DROP COLUMN kind;
