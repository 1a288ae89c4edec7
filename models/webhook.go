package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Webhook is an outgoing endpoint that receives the service's events as
// signed JSON (WeCom, DingTalk, SMS or mail gateways plug in here). Its
// secret is write-only: it signs deliveries and is never shown again.
type Webhook struct {
	ID          int64      `json:"id"`
	URL         string     `json:"url"`
	Secret      string     `json:"-"`
	Events      string     `json:"-"`
	EventList   []string   `json:"events" gorm:"-"`
	Description string     `json:"description"`
	Active      bool       `json:"active"`
	CreatedBy   int64      `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	DeletedAt   *time.Time `json:"-"`
	// Kind is "generic" (this signed JSON) or a group robot (models/robot.go);
	// Format, DepartmentID and IncludeSub only concern robots.
	Kind         string `json:"-"`
	Format       string `json:"-"`
	DepartmentID *int64 `json:"-"`
	IncludeSub   bool   `json:"-"`
}

// TableName names the webhooks table.
func (Webhook) TableName() string { return "webhooks" }

func (w *Webhook) fill() {
	w.URL = RedactURL(w.URL)
	w.EventList = []string{}
	if w.Events != "" {
		w.EventList = strings.Split(w.Events, ",")
	}
}

// wants reports whether the webhook subscribes to an event type: no
// filter means every event; "inquiry.*" a family; otherwise exact names.
func (w *Webhook) wants(eventType string) bool {
	if w.Events == "" {
		return true
	}
	for _, p := range strings.Split(w.Events, ",") {
		if p == "*" || p == eventType || (strings.HasSuffix(p, ".*") && strings.HasPrefix(eventType, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// WebhookInput is a new webhook. Without a secret one is generated and
// returned once.
type WebhookInput struct {
	URL         string   `json:"url"`
	Secret      *string  `json:"secret"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// CreatedWebhook is a new webhook and, when it was generated, its secret
// (shown this once).
type CreatedWebhook struct {
	Webhook
	Secret string `json:"secret,omitempty"`
}

var eventPatternRE = regexp.MustCompile(`^(\*|[a-z_]+\.(\*|[a-z_]+))$`)

func (in *WebhookInput) check() error {
	var v Validation
	in.URL = strings.TrimSpace(in.URL)
	u, err := url.Parse(in.URL)
	v.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(in.URL) <= 2000,
		"url", "must be an http or https URL of at most 2000 characters")
	if in.Secret != nil {
		v.Check(len(*in.Secret) >= 16 && len(*in.Secret) <= 200, "secret", "must be 16–200 characters")
	}
	v.Check(len(in.Events) <= 30, "events", "at most 30 entries")
	for _, e := range in.Events {
		if !eventPatternRE.MatchString(e) {
			v.Add("events", "%q is not an event type such as referral.created, a family such as inquiry.*, or *", e)
			break
		}
	}
	v.Check(len(strings.Join(in.Events, ",")) <= 1000, "events", "too long")
	in.Description = strings.TrimSpace(in.Description)
	v.Check(runes(in.Description) <= 200, "description", "must be at most 200 characters")
	return v.Err()
}

// webhookAudit is what the audit log keeps of a webhook: never the secret,
// nor the credentials in its URL.
func (w Webhook) webhookAudit() map[string]any {
	return map[string]any{"url": RedactURL(w.URL), "events": w.Events, "description": w.Description, "active": w.Active}
}

// CreateWebhook adds an endpoint.
func (s *Store) CreateWebhook(ctx context.Context, a Actor, in WebhookInput) (CreatedWebhook, error) {
	if err := in.check(); err != nil {
		return CreatedWebhook{}, err
	}
	var out CreatedWebhook
	err := s.write(ctx, a, func(tx *Tx) error {
		w := Webhook{Kind: ChannelGeneric, URL: in.URL, Events: strings.Join(in.Events, ","), Description: in.Description, Active: true, CreatedBy: a.StaffID, CreatedAt: tx.now}
		generated := ""
		if in.Secret != nil {
			w.Secret = *in.Secret
		} else {
			generated = "whsec_" + randomHex(24)
			w.Secret = generated
		}
		if err := tx.db.Create(&w).Error; err != nil {
			return err
		}
		tx.audit("webhook.create", "webhook", w.ID, nil, w.webhookAudit())
		w.fill()
		out = CreatedWebhook{Webhook: w, Secret: generated}
		return nil
	})
	return out, err
}

// ListWebhooks lists the endpoints that are not deleted.
func (s *Store) ListWebhooks(ctx context.Context, a Actor) ([]Webhook, error) {
	out := []Webhook{}
	err := s.read(ctx, a, func(tx *Tx) error {
		return tx.db.Where("kind = ? AND deleted_at IS NULL", ChannelGeneric).Order("id").Find(&out).Error
	})
	for i := range out {
		out[i].fill()
	}
	return out, err
}

// DeleteWebhook removes an endpoint; its undelivered events are cancelled.
// The row is kept (deleted_at) so its delivery log stays readable.
func (s *Store) DeleteWebhook(ctx context.Context, a Actor, id int64) error {
	return s.write(ctx, a, func(tx *Tx) error {
		var w Webhook
		err := tx.db.Where("id = ? AND kind = ? AND deleted_at IS NULL", id, ChannelGeneric).Take(&w).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENotFound, "webhook %d not found", id)
		}
		if err != nil {
			return err
		}
		before := w.webhookAudit()
		now := tx.now
		w.Active, w.DeletedAt = false, &now
		if err := tx.db.Model(&w).Select("active", "deleted_at").Updates(&w).Error; err != nil {
			return err
		}
		if err := tx.db.Model(&outboxRow{}).Where("webhook_id = ? AND status = ?", id, OutboxPending).
			Updates(map[string]any{"status": OutboxCancelled, "last_error": "webhook deleted"}).Error; err != nil {
			return err
		}
		tx.audit("webhook.delete", "webhook", w.ID, before, w.webhookAudit())
		return nil
	})
}

// Event is the JSON body of a webhook delivery.
type Event struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	Entity     string    `json:"entity"`
	EntityID   int64     `json:"entity_id"`
	Data       any       `json:"data"`
}

// Outbox states.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxFailed    = "failed"
	OutboxCancelled = "cancelled"
)

// outboxRow is one event waiting for (or done with) one webhook.
type outboxRow struct {
	ID            int64
	WebhookID     int64
	EventID       string
	EventType     string
	Payload       string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  *time.Time
	ClaimToken    *string
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   *time.Time
}

func (outboxRow) TableName() string { return "webhook_outbox" }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// emit queues an event for every webhook that wants it, in the
// transaction of the change it reports: the event exists exactly when the
// change commits, and sending it never delays the request.
func (tx *Tx) emit(eventType, entity string, entityID int64, data any) error {
	if tx.cfg != nil && tx.cfg.hooks == 0 {
		return nil // a registration that read the configuration found none
	}
	var hooks []Webhook
	if err := tx.db.Where("kind = ? AND active = ? AND deleted_at IS NULL", ChannelGeneric, true).Find(&hooks).Error; err != nil {
		return err
	}
	var rows []outboxRow
	var payload []byte
	ev := Event{ID: "evt_" + randomHex(16), Type: eventType, OccurredAt: tx.now, Entity: entity, EntityID: entityID, Data: data}
	for _, w := range hooks {
		if !w.wants(eventType) {
			continue
		}
		if payload == nil {
			var err error
			if payload, err = json.Marshal(ev); err != nil {
				return err
			}
		}
		rows = append(rows, outboxRow{WebhookID: w.ID, EventID: ev.ID, EventType: eventType, Payload: string(payload),
			Status: OutboxPending, NextAttemptAt: tx.now, CreatedAt: tx.now})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.db.Create(&rows).Error; err != nil {
		return err
	}
	if wake := tx.store.outboxWake.Load(); wake != nil {
		tx.OnCommit(*wake)
	}
	return nil
}

// queueNotificationEvent turns every inbox notification into a webhook
// event "notification.<kind>" (registered as a notify hook by Open).
func queueNotificationEvent(tx *Tx, n Notification) error {
	return tx.emit("notification."+string(n.Kind), "notification", n.ID, map[string]any{
		"staff_id": n.StaffID, "kind": n.Kind, "title": n.Title, "body": n.Body, "entity": n.Entity, "entity_id": n.EntityID,
	})
}

// OnOutbox registers a function called after a transaction that queued
// webhook events commits (the sender's wake-up). It may be set while
// requests are being served.
func (s *Store) OnOutbox(fn func()) { s.outboxWake.Store(&fn) }

// Delivery is one claimed event on its way to one webhook.
type Delivery struct {
	OutboxID   int64
	WebhookID  int64
	URL        string
	Secret     string
	EventID    string
	EventType  string
	Payload    []byte
	Attempt    int // 1 for the first try
	ClaimToken string
	// Kind and Format say how to post: generic signed JSON, or a group
	// robot whose Payload is a RobotMessage to render.
	Kind   string
	Format string
}

// ClaimDeliveries claims up to limit due events for this sender for lease:
// each row is taken by a conditional UPDATE that only one instance can win,
// so two senders never post the same event at once; a sender that dies
// leaves its claim to expire and another retries.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error) {
	now = now.UTC().Truncate(time.Millisecond)
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&outboxRow{}).
		Where("status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)", OutboxPending, now, now).
		Order("next_attempt_at, id").Limit(limit).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	var out []Delivery
	for _, id := range ids {
		token := randomHex(12)
		until := now.Add(lease)
		res := s.db.WithContext(ctx).Model(&outboxRow{}).
			Where("id = ? AND status = ? AND (claimed_until IS NULL OR claimed_until < ?)", id, OutboxPending, now).
			Updates(map[string]any{"claimed_until": until, "claim_token": token})
		if res.Error != nil {
			return out, res.Error
		}
		if res.RowsAffected == 0 {
			continue // another sender won it
		}
		var row outboxRow
		if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
			return out, err
		}
		var w Webhook
		if err := s.db.WithContext(ctx).Where("id = ?", row.WebhookID).Take(&w).Error; err != nil {
			return out, err
		}
		if w.DeletedAt != nil || !w.Active {
			s.db.WithContext(ctx).Model(&outboxRow{}).Where("id = ?", id).
				Updates(map[string]any{"status": OutboxCancelled, "claimed_until": nil, "claim_token": nil, "last_error": "webhook deleted"})
			continue
		}
		out = append(out, Delivery{OutboxID: id, WebhookID: w.ID, URL: w.URL, Secret: w.Secret, EventID: row.EventID,
			EventType: row.EventType, Payload: []byte(row.Payload), Attempt: row.Attempts + 1, ClaimToken: token, Kind: w.Kind, Format: w.Format})
	}
	return out, nil
}

// DeliveryResult is the outcome of one attempt.
type DeliveryResult struct {
	StatusCode int
	Err        string
	Duration   time.Duration
	// Retry is when to try again after a failure; zero gives up (failed).
	Retry time.Time
}

// Delivered reports whether the attempt succeeded: a 2xx answer with no
// error (a robot's 200 carrying an error code is a failure).
func (r DeliveryResult) Delivered() bool {
	return r.StatusCode >= 200 && r.StatusCode < 300 && r.Err == ""
}

// DeliveryLog is one attempt in the delivery log.
type DeliveryLog struct {
	ID          int64     `json:"id"`
	OutboxID    int64     `json:"outbox_id"`
	WebhookID   int64     `json:"webhook_id"`
	EventID     string    `json:"event_id"`
	Attempt     int       `json:"attempt"`
	AttemptedAt time.Time `json:"attempted_at"`
	StatusCode  int       `json:"status_code"`
	Error       string    `json:"error"`
	DurationMS  int64     `json:"duration_ms"`
}

// TableName names the delivery log.
func (DeliveryLog) TableName() string { return "webhook_deliveries" }

// RecordDelivery logs an attempt and settles the outbox row in one
// transaction: delivered on a 2xx, else back to pending for a later retry
// or failed when the sender gives up. A claim that expired and was taken
// over by another sender is not overwritten.
func (s *Store) RecordDelivery(ctx context.Context, d Delivery, at time.Time, r DeliveryResult) error {
	at = at.UTC().Truncate(time.Millisecond)
	return s.write(ctx, System("webhook-sender"), func(tx *Tx) error {
		msg := cutRunes(r.Err, 500)
		log := DeliveryLog{OutboxID: d.OutboxID, WebhookID: d.WebhookID, EventID: d.EventID, Attempt: d.Attempt,
			AttemptedAt: at, StatusCode: r.StatusCode, Error: msg, DurationMS: r.Duration.Milliseconds()}
		if err := tx.db.Create(&log).Error; err != nil {
			return err
		}
		set := map[string]any{"attempts": d.Attempt, "claimed_until": nil, "claim_token": nil, "last_error": msg}
		switch {
		case r.Delivered():
			set["status"], set["delivered_at"], set["last_error"] = OutboxDelivered, at, ""
		case r.Retry.IsZero():
			set["status"] = OutboxFailed
		default:
			set["next_attempt_at"] = r.Retry.UTC().Truncate(time.Millisecond)
		}
		return tx.db.Model(&outboxRow{}).Where("id = ? AND claim_token = ?", d.OutboxID, d.ClaimToken).Updates(set).Error
	})
}

// ListDeliveries returns a webhook's delivery log, newest first.
func (s *Store) ListDeliveries(ctx context.Context, a Actor, webhookID int64, p Page) ([]DeliveryLog, int64, error) {
	var out []DeliveryLog
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&Webhook{}).Where("id = ? AND kind = ?", webhookID, ChannelGeneric).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ENotFound, "webhook %d not found", webhookID)
		}
		q := tx.db.Model(&DeliveryLog{}).Where("webhook_id = ?", webhookID)
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("id DESC").Offset(p.Offset()).Limit(p.Size).Find(&out).Error
	})
	return out, total, err
}
