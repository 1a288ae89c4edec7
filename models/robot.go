package models

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Channel kinds: the generic signed webhook and the three group robots.
const (
	ChannelGeneric  = "generic"
	ChannelWeCom    = "wecom"    // 企业微信 group robot
	ChannelDingTalk = "dingtalk" // 钉钉 custom robot
	ChannelFeishu   = "feishu"   // 飞书 custom bot
)

// RobotKinds lists the group robots a channel may be.
var RobotKinds = []string{ChannelWeCom, ChannelDingTalk, ChannelFeishu}

// robotFormats lists the message formats of each robot; the first is the
// default.
var robotFormats = map[string][]string{
	ChannelWeCom:    {"markdown"},
	ChannelDingTalk: {"markdown", "actionCard"},
	ChannelFeishu:   {"interactive", "post"},
}

// The event kinds a robot channel can subscribe to.
const (
	RobotAssignment        = "assignment"         // a referral reached the department or a person
	RobotReminder          = "reminder"           // a clock has a quarter of its time left
	RobotEscalation        = "escalation"         // a clock breached and went to the supervisor
	RobotExtension         = "extension"          // more time requested, approved or refused
	RobotViolationVerified = "violation_verified" // a violation was verified
	RobotAppealDecided     = "appeal_decided"     // an appeal was decided
	RobotMonthClosed       = "month_closed"       // the month's appraisal was closed
)

// RobotEvents lists every event kind a robot may post, in display order.
var RobotEvents = []string{RobotAssignment, RobotReminder, RobotEscalation, RobotExtension,
	RobotViolationVerified, RobotAppealDecided, RobotMonthClosed}

// RobotChannel is a group robot: where it posts (URL, credentials redacted),
// for which department (and, with IncludeSub, those below it) and which
// event kinds. Its signing secret is write-only.
type RobotChannel struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Format       string    `json:"format"`
	Name         string    `json:"name"`
	URL          string    `json:"url"`
	Signed       bool      `json:"signed"`
	DepartmentID *int64    `json:"department_id"`
	IncludeSub   bool      `json:"include_sub"`
	Events       []string  `json:"events"`
	Active       bool      `json:"active"`
	CreatedBy    int64     `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

func channelOf(w Webhook) RobotChannel {
	ev := RobotEvents
	if w.Events != "" {
		ev = strings.Split(w.Events, ",")
	}
	return RobotChannel{ID: w.ID, Kind: w.Kind, Format: w.Format, Name: w.Description, URL: RedactURL(w.URL), Signed: w.Secret != "",
		DepartmentID: w.DepartmentID, IncludeSub: w.IncludeSub, Events: slices.Clone(ev), Active: w.Active,
		CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt}
}

// RobotChannelInput is a new group robot. Events empty means every kind;
// DepartmentID nil means every department (admins only); IncludeSub
// defaults to true.
type RobotChannelInput struct {
	Kind         string   `json:"kind"`
	Format       string   `json:"format"`
	Name         string   `json:"name"`
	URL          string   `json:"url"`
	Secret       string   `json:"secret"`
	DepartmentID *int64   `json:"department_id"`
	IncludeSub   *bool    `json:"include_sub"`
	Events       []string `json:"events"`
}

func (in *RobotChannelInput) check() error {
	var v Validation
	in.Kind, in.Format = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Format)
	in.URL, in.Secret, in.Name = strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret), strings.TrimSpace(in.Name)
	formats, ok := robotFormats[in.Kind]
	v.Check(ok, "kind", "must be one of wecom, dingtalk, feishu")
	if ok {
		if in.Format == "" {
			in.Format = formats[0]
		}
		v.Check(slices.Contains(formats, in.Format), "format", "must be one of %s for %s", strings.Join(formats, ", "), in.Kind)
	}
	u, err := url.Parse(in.URL)
	valid := err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && len(in.URL) <= 2000
	v.Check(valid, "url", "must be an http or https URL of at most 2000 characters")
	if valid && ok {
		switch in.Kind {
		case ChannelWeCom:
			v.Check(u.Query().Get("key") != "", "url", "a WeCom robot's webhook address carries its key: …/cgi-bin/webhook/send?key=…")
		case ChannelDingTalk:
			v.Check(u.Query().Get("access_token") != "", "url", "a DingTalk robot's webhook address carries its access_token: …/robot/send?access_token=…")
		case ChannelFeishu:
			v.Check(strings.Contains(u.Path, "/bot/v2/hook/"), "url", "a Feishu bot's webhook address looks like …/open-apis/bot/v2/hook/<id>")
		}
	}
	v.Check(len(in.Secret) <= 200, "secret", "must be at most 200 characters")
	if in.Kind == ChannelWeCom {
		v.Check(in.Secret == "", "secret", "WeCom group robots have no signing secret: the key in the URL is the credential")
	}
	v.Check(in.Name != "" && runes(in.Name) <= 100, "name", "must be 1–100 characters")
	v.Check(len(in.Events) <= len(RobotEvents), "events", "at most %d entries", len(RobotEvents))
	for _, e := range in.Events {
		if !slices.Contains(RobotEvents, e) {
			v.Add("events", "%q is not one of %s", e, strings.Join(RobotEvents, ", "))
			break
		}
	}
	return v.Err()
}

// CreateChannel adds a group robot. Admins may add one for any department
// or for all; supervisors only for a department in their scope.
func (s *Store) CreateChannel(ctx context.Context, a Actor, in RobotChannelInput) (RobotChannel, error) {
	if err := in.check(); err != nil {
		return RobotChannel{}, err
	}
	var out RobotChannel
	err := s.write(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		if in.DepartmentID != nil {
			var d Department
			if err := tx.db.Where("id = ?", *in.DepartmentID).Take(&d).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				var v Validation
				v.Add("department_id", "department %d does not exist", *in.DepartmentID)
				return v.Err()
			} else if err != nil {
				return err
			}
		}
		if err := mayManageChannel(a, sc, in.DepartmentID); err != nil {
			return err
		}
		w := Webhook{Kind: in.Kind, Format: in.Format, URL: in.URL, Secret: in.Secret, Events: strings.Join(in.Events, ","),
			Description: in.Name, DepartmentID: in.DepartmentID, IncludeSub: in.IncludeSub == nil || *in.IncludeSub,
			Active: true, CreatedBy: a.StaffID, CreatedAt: tx.now}
		if err := tx.db.Create(&w).Error; err != nil {
			return err
		}
		out = channelOf(w)
		tx.audit("channel.create", "webhook", w.ID, nil, out)
		return nil
	})
	return out, err
}

// ListChannels lists the group robots the actor may manage: all for
// admins, those of their departments for supervisors.
func (s *Store) ListChannels(ctx context.Context, a Actor) ([]RobotChannel, error) {
	out := []RobotChannel{}
	err := s.read(ctx, a, func(tx *Tx) error {
		sc, err := tx.scopeOf(a)
		if err != nil {
			return err
		}
		var ws []Webhook
		q := channelScope(tx.db.Where("kind <> ? AND deleted_at IS NULL", ChannelGeneric), a, sc)
		if err := q.Order("id").Find(&ws).Error; err != nil {
			return err
		}
		for _, w := range ws {
			out = append(out, channelOf(w))
		}
		return nil
	})
	return out, err
}

// channelIn loads a robot the actor may manage; others do not exist (404).
func (tx *Tx) channelIn(a Actor, id int64) (Webhook, error) {
	sc, err := tx.scopeOf(a)
	if err != nil {
		return Webhook{}, err
	}
	var w Webhook
	err = channelScope(tx.db.Where("id = ? AND kind <> ? AND deleted_at IS NULL", id, ChannelGeneric), a, sc).Take(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return w, Errorf(ENotFound, "channel %d not found", id)
	}
	return w, err
}

// DeleteChannel removes a group robot; its undelivered messages are
// cancelled and its delivery log kept.
func (s *Store) DeleteChannel(ctx context.Context, a Actor, id int64) error {
	return s.write(ctx, a, func(tx *Tx) error {
		w, err := tx.channelIn(a, id)
		if err != nil {
			return err
		}
		before := channelOf(w)
		now := tx.now
		w.Active, w.DeletedAt = false, &now
		if err := tx.db.Model(&w).Select("active", "deleted_at").Updates(&w).Error; err != nil {
			return err
		}
		if err := tx.db.Model(&outboxRow{}).Where("webhook_id = ? AND status = ?", id, OutboxPending).
			Updates(map[string]any{"status": OutboxCancelled, "last_error": "channel deleted"}).Error; err != nil {
			return err
		}
		tx.audit("channel.delete", "webhook", w.ID, before, channelOf(w))
		return nil
	})
}

// ListChannelDeliveries returns a robot's delivery log, newest first.
func (s *Store) ListChannelDeliveries(ctx context.Context, a Actor, id int64, p Page) ([]DeliveryLog, int64, error) {
	out := []DeliveryLog{}
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		if _, err := tx.channelIn(a, id); err != nil {
			return err
		}
		q := tx.db.Model(&DeliveryLog{}).Where("webhook_id = ?", id)
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		return q.Order("id DESC").Offset(p.Offset()).Limit(p.Size).Find(&out).Error
	})
	return out, total, err
}

// RobotMessage is what a robot is asked to say, kept in the outbox as
// JSON and rendered into the platform's format when it is sent, so that
// "已超时 35 分" is true at the moment the group reads it. It never holds
// a visitor's full phone number.
type RobotMessage struct {
	Event string `json:"event"`
	Title string `json:"title"`
	Ref   string `json:"ref,omitempty"`
	// Phone is the visitor's masked number.
	Phone      string     `json:"phone,omitempty"`
	DeadlineAt *time.Time `json:"deadline_at,omitempty"`
	Lines      []string   `json:"lines,omitempty"`
	// Path is the page to open, joined to FIRSTASK_PUBLIC_URL when sent.
	Path string `json:"path,omitempty"`
	// Mobiles are the phone numbers to @-mention where the platform
	// supports it; Names the people mentioned, shown in the text.
	Mobiles []string `json:"mobiles,omitempty"`
	Names   []string `json:"names,omitempty"`
}

// robot queues msg for every active robot that subscribes to its event
// and covers departmentID (0: every robot that subscribes, for the
// organisation-wide month close), in the transaction of the change.
func (tx *Tx) robot(departmentID int64, msg RobotMessage) error {
	var chans []Webhook
	if err := tx.db.Where("kind <> ? AND active = ? AND deleted_at IS NULL", ChannelGeneric, true).Order("id").Find(&chans).Error; err != nil {
		return err
	}
	if len(chans) == 0 {
		return nil
	}
	ancestors, err := tx.departmentAncestors(departmentID)
	if err != nil {
		return err
	}
	var rows []outboxRow
	var payload []byte
	evID := "evt_" + randomHex(16)
	for _, w := range chans {
		if w.Events != "" && !slices.Contains(strings.Split(w.Events, ","), msg.Event) {
			continue
		}
		if departmentID != 0 && w.DepartmentID != nil {
			i := slices.Index(ancestors, *w.DepartmentID)
			if i < 0 || (i > 0 && !w.IncludeSub) {
				continue
			}
		}
		if payload == nil {
			if payload, err = json.Marshal(msg); err != nil {
				return err
			}
		}
		rows = append(rows, outboxRow{WebhookID: w.ID, EventID: evID, EventType: "robot." + msg.Event, Payload: string(payload),
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

// departmentAncestors returns id, its parent, the parent's parent… up to
// the root (cycles stop the walk).
func (tx *Tx) departmentAncestors(id int64) ([]int64, error) {
	if id == 0 {
		return nil, nil
	}
	var rows []struct{ ID, ParentID int64 }
	if err := tx.db.Table("departments").Select("id, COALESCE(parent_id, 0) AS parent_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	parent := map[int64]int64{}
	for _, r := range rows {
		parent[r.ID] = r.ParentID
	}
	out := []int64{id}
	for p := parent[id]; p != 0 && !slices.Contains(out, p); p = parent[p] {
		out = append(out, p)
	}
	return out, nil
}

// RobotWindow is a robot platform's documented sending limit: at most
// Max messages in any Per.
type RobotWindow struct {
	Per time.Duration
	Max int
}

// RobotLimits are the published per-robot limits: WeCom and DingTalk 20
// messages a minute (DingTalk then blocks the robot for 10 minutes),
// Feishu 100 a minute and 5 a second.
var RobotLimits = map[string][]RobotWindow{
	ChannelWeCom:    {{time.Minute, 20}},
	ChannelDingTalk: {{time.Minute, 20}},
	ChannelFeishu:   {{time.Minute, 100}, {time.Second, 5}},
}

// RobotPostsSince counts the posts made to a robot since an instant (a
// merged post of several messages counts once: its log rows share the
// attempt's instant), across every instance sharing the database.
func (s *Store) RobotPostsSince(ctx context.Context, webhookID int64, since time.Time) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&DeliveryLog{}).Where("webhook_id = ? AND attempted_at > ?", webhookID, since.UTC()).
		Distinct("attempted_at").Count(&n).Error
	return int(n), err
}

// DeferDeliveries hands claimed deliveries back for later without
// counting an attempt: the robot's rate limit is reached, and they will be
// merged with what else is waiting when it frees up.
func (s *Store) DeferDeliveries(ctx context.Context, ds []Delivery, until time.Time) error {
	for _, d := range ds {
		if err := s.db.WithContext(ctx).Model(&outboxRow{}).Where("id = ? AND claim_token = ?", d.OutboxID, d.ClaimToken).
			Updates(map[string]any{"claimed_until": nil, "claim_token": nil, "next_attempt_at": until.UTC().Truncate(time.Millisecond)}).Error; err != nil {
			return err
		}
	}
	return nil
}
