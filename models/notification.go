package models

import (
	"context"
	"fmt"
	"time"
)

// NotificationKind says what a notification is about.
type NotificationKind string

// Notification kinds.
const (
	NotifyAssignment     NotificationKind = "assignment"
	NotifyReminder       NotificationKind = "reminder"
	NotifyEscalation     NotificationKind = "escalation"
	NotifyBreach         NotificationKind = "breach"
	NotifyExtension      NotificationKind = "extension"
	NotifyVerification   NotificationKind = "verification"
	NotifyAppealDecision NotificationKind = "appeal_decision"
	NotifyFeedback       NotificationKind = "feedback"
)

// Notification is an entry in a person's inbox.
type Notification struct {
	ID        int64            `json:"id"`
	StaffID   int64            `json:"staff_id"`
	Kind      NotificationKind `json:"kind"`
	Title     string           `json:"title"`
	Body      string           `json:"body"`
	Entity    string           `json:"entity"`
	EntityID  int64            `json:"entity_id"`
	ReadAt    *time.Time       `json:"read_at"`
	CreatedAt time.Time        `json:"created_at"`
}

// notify puts a notification in a person's inbox within the transaction.
// Hooks registered with Store.OnNotify (the webhook outbox) run in the same
// transaction, so an event is queued exactly when its change commits.
func (tx *Tx) notify(staffID int64, kind NotificationKind, title, body, entity string, entityID int64) error {
	if staffID == 0 {
		return nil
	}
	n := Notification{StaffID: staffID, Kind: kind, Title: title, Body: body, Entity: entity, EntityID: entityID, CreatedAt: tx.now}
	if err := tx.db.Create(&n).Error; err != nil {
		return err
	}
	for _, h := range tx.store.notifyHooks {
		if err := h(tx, n); err != nil {
			return err
		}
	}
	return nil
}

// NotifyHook runs inside the transaction that created a notification.
type NotifyHook func(tx *Tx, n Notification) error

// OnNotify registers a hook for every new notification (call before serving).
func (s *Store) OnNotify(h NotifyHook) { s.notifyHooks = append(s.notifyHooks, h) }

// NotificationFilter selects inbox entries.
type NotificationFilter struct {
	UnreadOnly bool
	Page
}

// ListNotifications returns the actor's own inbox, newest first, and the
// number of unread entries.
func (s *Store) ListNotifications(ctx context.Context, a Actor, f NotificationFilter) (items []Notification, total, unread int64, err error) {
	err = s.read(ctx, a, func(tx *Tx) error {
		if err := tx.db.Model(&Notification{}).Where("staff_id = ? AND read_at IS NULL", a.StaffID).Count(&unread).Error; err != nil {
			return err
		}
		q := tx.db.Model(&Notification{}).Where("staff_id = ?", a.StaffID)
		if f.UnreadOnly {
			q = q.Where("read_at IS NULL")
		}
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("id DESC").Offset(f.Offset()).Limit(f.Size).Find(&items).Error
	})
	return items, total, unread, err
}

// MaxNotificationIDs caps the ids of one MarkNotificationsRead: 32,765
// ids overflowed SQLite's bound parameters and 65,534 MariaDB's (a 500).
const MaxNotificationIDs = 1000

// MarkNotificationsRead marks the given inbox entries of the actor read
// (all of them when ids is empty, at most MaxNotificationIDs given) and
// returns how many changed.
func (s *Store) MarkNotificationsRead(ctx context.Context, a Actor, ids []int64) (int64, error) {
	if len(ids) > MaxNotificationIDs {
		return 0, Invalid(FieldProblem{Field: "ids", Message: fmt.Sprintf("at most %d ids at once; send no ids to mark them all", MaxNotificationIDs)})
	}
	var n int64
	err := s.write(ctx, a, func(tx *Tx) error {
		q := tx.db.Model(&Notification{}).Where("staff_id = ? AND read_at IS NULL", a.StaffID)
		if len(ids) > 0 {
			q = q.Where("id IN ?", ids)
		}
		res := q.Update("read_at", tx.now)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
