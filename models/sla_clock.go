package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"firstask/scoring"
	"firstask/worktime"
)

// ClockKind names an SLA clock (docs/domain.md §2).
type ClockKind string

// The clocks: hand-over (first responder refers the matter), contact
// (assignee reaches the visitor), feedback (first responder reports back).
const (
	ClockHandover ClockKind = "handover"
	ClockContact  ClockKind = "contact"
	ClockFeedback ClockKind = "feedback"
)

// AllClockKinds lists every clock kind.
var AllClockKinds = []ClockKind{ClockHandover, ClockContact, ClockFeedback}

// ClockState is whether a clock counts.
type ClockState string

// Clock states: running counts working time, paused waits on the visitor,
// stopped is done (met or breached).
const (
	ClockRunning ClockState = "running"
	ClockPaused  ClockState = "paused"
	ClockStopped ClockState = "stopped"
)

// The states a clock shows to people.
const (
	ClockOnTime  = "on_time"
	ClockDueSoon = "due_soon"
	ClockOverdue = "overdue"
	ClockIsPause = "paused"
)

// SLAClock is one running, paused or finished SLA clock. Its deadline and
// reminder instants are stored in indexed columns so that the scan and the
// overdue lists are index range queries.
//
// The deadline is always Add(AnchorAt, AnchorLeftMS) on the working
// calendar: the working time left as of the anchor instant. Starting sets
// the anchor to the start; pausing moves the anchor to the pause and keeps
// what was left; resuming moves it to the resume, so paused time never
// counts; an approved extension adds working time to what is left.
type SLAClock struct {
	ID           int64
	ClockKey     string
	Kind         ClockKind
	InquiryID    int64
	ReferralID   *int64
	OwnerID      *int64
	DepartmentID int64
	State        ClockState
	StartedAt    time.Time
	BudgetMS     int64
	AnchorAt     time.Time
	AnchorLeftMS int64
	DeadlineAt   time.Time
	RemindAt     time.Time
	RemindedAt   *time.Time
	BreachedAt   *time.Time
	EscalatedTo  *int64
	PausedAt     *time.Time
	PauseReason  string
	StoppedAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName names the clocks table.
func (SLAClock) TableName() string { return "sla_clocks" }

// ClockView is a clock as the API shows it.
type ClockView struct {
	ID             int64      `json:"id"`
	Key            string     `json:"key"`
	Kind           ClockKind  `json:"kind"`
	ReferralID     *int64     `json:"referral_id"`
	OwnerID        *int64     `json:"owner_id"`
	DepartmentID   int64      `json:"department_id"`
	Status         ClockState `json:"status"`
	State          string     `json:"state"`
	StartedAt      time.Time  `json:"started_at"`
	DeadlineAt     time.Time  `json:"deadline_at"`
	RemindAt       time.Time  `json:"remind_at"`
	WorkingMinutes int64      `json:"working_minutes"`
	RemindedAt     *time.Time `json:"reminded_at"`
	BreachedAt     *time.Time `json:"breached_at"`
	EscalatedTo    *int64     `json:"escalated_to"`
	PausedAt       *time.Time `json:"paused_at"`
	PauseReason    string     `json:"pause_reason"`
	StoppedAt      *time.Time `json:"stopped_at"`
}

// view shows the clock at instant now: paused; for a stopped clock
// on_time or overdue by whether it breached; for a running one overdue
// past the deadline, due_soon once the reminder is due, else on_time.
func (c SLAClock) view(now time.Time) ClockView {
	state := ClockOnTime
	switch {
	case c.State == ClockPaused:
		state = ClockIsPause
	case c.State == ClockStopped:
		if c.BreachedAt != nil {
			state = ClockOverdue
		}
	case now.After(c.DeadlineAt):
		state = ClockOverdue
	case !now.Before(c.RemindAt):
		state = ClockDueSoon
	}
	return ClockView{
		ID: c.ID, Key: c.ClockKey, Kind: c.Kind, ReferralID: c.ReferralID, OwnerID: c.OwnerID, DepartmentID: c.DepartmentID,
		Status: c.State, State: state, StartedAt: c.StartedAt, DeadlineAt: c.DeadlineAt, RemindAt: c.RemindAt,
		WorkingMinutes: c.BudgetMS / 60000, RemindedAt: c.RemindedAt, BreachedAt: c.BreachedAt, EscalatedTo: c.EscalatedTo,
		PausedAt: c.PausedAt, PauseReason: c.PauseReason, StoppedAt: c.StoppedAt,
	}
}

func msOf(d time.Duration) int64 { return d.Milliseconds() }

func durMS(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

// plan computes the deadline and the reminder instant from the anchor: the
// reminder is due when fraction of the whole budget is left.
func (c *SLAClock) plan(s *worktime.Schedule, fraction float64) {
	left := durMS(c.AnchorLeftMS)
	c.DeadlineAt = s.Add(c.AnchorAt, left).Truncate(time.Millisecond)
	reserve := time.Duration(math.Round(float64(c.BudgetMS)*fraction)) * time.Millisecond
	if left > reserve {
		c.RemindAt = s.Add(c.AnchorAt, left-reserve).Truncate(time.Millisecond)
	} else {
		c.RemindAt = c.AnchorAt
	}
}

// violationType is what a breach of the clock raises.
func (k ClockKind) violationType() scoring.ViolationType {
	switch k {
	case ClockHandover:
		return scoring.ViolationLateReferral
	case ClockContact:
		return scoring.ViolationLateContact
	default:
		return scoring.ViolationNoFeedback
	}
}

// label is the clock's name in notifications.
func (k ClockKind) label() string {
	switch k {
	case ClockHandover:
		return "移交时限"
	case ClockContact:
		return "联系时限"
	default:
		return "反馈时限"
	}
}

type clockSpec struct {
	key                   string
	kind                  ClockKind
	inquiryID, referralID int64
	owner, department     int64
	start                 time.Time
}

// budget is the working time a clock of this kind gets under the rules in
// force at its start.
func (tx *Tx) budget(kind ClockKind, start time.Time, s *worktime.Schedule) (time.Duration, scoring.SLA, error) {
	rules, err := tx.slaRules(start)
	if err != nil {
		return 0, rules, err
	}
	hours := func(h float64) time.Duration { return time.Duration(math.Round(h * float64(time.Hour))) }
	switch kind {
	case ClockHandover:
		return hours(rules.HandoverWorkingHours), rules, nil
	case ClockContact:
		return hours(rules.ContactWorkingHours), rules, nil
	default:
		return time.Duration(math.Round(rules.FeedbackWorkingDays * float64(s.DayLength()))), rules, nil
	}
}

// startClock creates a running clock.
func (tx *Tx) startClock(sp clockSpec) (SLAClock, error) {
	sched, err := tx.schedule()
	if err != nil {
		return SLAClock{}, err
	}
	budget, rules, err := tx.budget(sp.kind, sp.start, sched)
	if err != nil {
		return SLAClock{}, err
	}
	start := sp.start.UTC().Truncate(time.Millisecond)
	c := SLAClock{
		ClockKey: sp.key, Kind: sp.kind, InquiryID: sp.inquiryID, DepartmentID: sp.department, State: ClockRunning,
		StartedAt: start, BudgetMS: msOf(budget), AnchorAt: start, AnchorLeftMS: msOf(budget),
		CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	if sp.referralID != 0 {
		c.ReferralID = &sp.referralID
	}
	if sp.owner != 0 {
		c.OwnerID = &sp.owner
	}
	c.plan(sched, rules.ReminderFraction)
	if err := tx.db.Create(&c).Error; err != nil {
		return c, err
	}
	tx.serviceClockChanged(nil, &c)
	tx.audit("sla_clock.start", "sla_clock", c.ID, nil, c)
	return c, nil
}

// startHandoverClock starts the first responder's hand-over clock: from
// received_at at registration, from the return of a referral after one.
// Each round has its own key, so that each can breach once.
func (tx *Tx) startHandoverClock(inq *Inquiry, start time.Time) error {
	var n int64
	if err := tx.db.Model(&SLAClock{}).Where("inquiry_id = ? AND kind = ?", inq.ID, ClockHandover).Count(&n).Error; err != nil {
		return err
	}
	_, err := tx.startClock(clockSpec{
		key: roundKey("inquiry", inq.ID, ClockHandover, int(n)+1), kind: ClockHandover, inquiryID: inq.ID,
		owner: inq.FirstResponderID, department: inq.DepartmentID, start: start,
	})
	return err
}

// startFeedbackClock starts the feedback clock of the inquiry's current
// round if it has none: at the first referral it counts from received_at;
// after a dissatisfied feedback a new round counts from the reopening.
func (tx *Tx) startFeedbackClock(inq *Inquiry) error {
	key := roundKey("inquiry", inq.ID, ClockFeedback, inq.ReopenCount+1)
	var n int64
	if err := tx.db.Model(&SLAClock{}).Where("clock_key = ?", key).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	start := inq.ReceivedAt
	if inq.ReopenCount > 0 {
		start = tx.now
	}
	_, err := tx.startClock(clockSpec{key: key, kind: ClockFeedback, inquiryID: inq.ID,
		owner: inq.FirstResponderID, department: inq.DepartmentID, start: start})
	return err
}

// startContactClock starts a referral's contact clock. For a person it
// counts from the later of referred_at and their return to post (an
// absence covering referred_at delays it); for a department queue the
// department's supervisor owns it from referred_at until someone accepts.
func (tx *Tx) startContactClock(inq *Inquiry, r *Referral) error {
	start := r.ReferredAt
	var owner int64
	if r.ToStaffID != nil {
		owner = *r.ToStaffID
		back, err := tx.ReturnToPost(owner, r.ReferredAt)
		if err != nil {
			return err
		}
		start = back
	} else {
		var err error
		if owner, err = tx.supervisorOf(r.ToDepartmentID, 0); err != nil {
			return err
		}
	}
	_, err := tx.startClock(clockSpec{key: fmt.Sprintf("referral:%d:contact", r.ID), kind: ClockContact,
		inquiryID: inq.ID, referralID: r.ID, owner: owner, department: r.ToDepartmentID, start: start})
	return err
}

// restartContactClocks moves the start of a person's running contact
// clocks to their return to post after a newly recorded absence. Only
// clocks that never paused or breached move; a clock whose start does not
// change is left alone.
func (tx *Tx) restartContactClocks(staffID int64) error {
	var cs []SLAClock
	if err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("owner_id = ? AND kind = ? AND state = ? AND breached_at IS NULL", staffID, ClockContact, ClockRunning).
		Order("id").Find(&cs).Error; err != nil || len(cs) == 0 {
		return err
	}
	sched, err := tx.schedule()
	if err != nil {
		return err
	}
	for i := range cs {
		c := &cs[i]
		if c.ReferralID == nil || !c.AnchorAt.Equal(c.StartedAt) {
			continue
		}
		var r Referral
		if err := tx.db.Where("id = ?", *c.ReferralID).Take(&r).Error; err != nil {
			return err
		}
		start, err := tx.ReturnToPost(staffID, r.ReferredAt)
		if err != nil {
			return err
		}
		start = start.UTC().Truncate(time.Millisecond)
		if !start.After(c.StartedAt) {
			continue
		}
		rules, err := tx.slaRules(start)
		if err != nil {
			return err
		}
		before := *c
		c.StartedAt, c.AnchorAt, c.AnchorLeftMS, c.UpdatedAt = start, start, c.BudgetMS, tx.now
		c.plan(sched, rules.ReminderFraction)
		if err := tx.db.Model(c).Select("started_at", "anchor_at", "anchor_left_ms", "deadline_at", "remind_at", "updated_at").Updates(c).Error; err != nil {
			return err
		}
		tx.serviceClockChanged(&before, c)
		tx.audit("sla_clock.restart", "sla_clock", c.ID, before, *c)
	}
	return nil
}

// roundKey names a clock: "inquiry:12:handover" for the first round,
// "inquiry:12:handover:2" for the next.
func roundKey(entity string, id int64, kind ClockKind, round int) string {
	if round <= 1 {
		return fmt.Sprintf("%s:%d:%s", entity, id, kind)
	}
	return fmt.Sprintf("%s:%d:%s:%d", entity, id, kind, round)
}

// reassignContactClock gives a claimed queue referral's contact clock to
// the person who accepted it.
func (tx *Tx) reassignContactClock(referralID, owner int64) error {
	var cs []SLAClock
	if err := tx.db.Where("referral_id = ? AND kind = ? AND state <> ?", referralID, ClockContact, ClockStopped).Find(&cs).Error; err != nil {
		return err
	}
	for _, c := range cs {
		before := c
		c.OwnerID, c.UpdatedAt = &owner, tx.now
		if err := tx.db.Model(&c).Select("owner_id", "updated_at").Updates(&c).Error; err != nil {
			return err
		}
		tx.serviceClockChanged(&before, &c)
		tx.audit("sla_clock.reassign", "sla_clock", c.ID, before, c)
	}
	return nil
}

// lockedClocks loads clocks of an inquiry in the given states, locked.
//
// The clocks of an inquiry registered in this same transaction are read
// without a lock: nobody else can see them, and on MySQL/MariaDB a locking
// read of the newest inquiry's clocks would also lock the index gap after
// them, where every other registration inserts its clock. On a single
// server that gap lock only makes concurrent registrations wait; on a
// Galera cluster the node applying another node's registration aborts the
// transaction holding it (a registration referred in the same request
// failed 5–8 times per run of TestGaleraCluster after five attempts).
func (tx *Tx) lockedClocks(inquiryID int64, kind ClockKind, referralID int64, states ...ClockState) ([]SLAClock, error) {
	filter := func(q *gorm.DB) *gorm.DB {
		q = q.Where("inquiry_id = ? AND state IN ?", inquiryID, states)
		if kind != "" {
			q = q.Where("kind = ?", kind)
		}
		if referralID != 0 {
			q = q.Where("referral_id = ?", referralID)
		}
		return q
	}
	var cs []SLAClock
	if inquiryID == tx.createdInquiry {
		return cs, filter(tx.db).Order("id").Find(&cs).Error
	}
	if ids, ok := tx.clockIDsNoGap(inquiryID, filter); ok {
		if len(ids) == 0 {
			return cs, nil
		}
		return cs, filter(tx.db.Clauses(clause.Locking{Strength: "UPDATE"})).Where("id IN ?", ids).Order("id").Find(&cs).Error
	}
	return cs, filter(tx.db.Clauses(clause.Locking{Strength: "UPDATE"})).Order("id").Find(&cs).Error
}

// clockIDsNoGap finds the ids of an inquiry's clocks without a locking
// read by inquiry_id, whose next-key lock on idx_sla_clocks_inquiry would
// cover the gap where every newer inquiry's clocks are inserted: on a
// Galera cluster the node applying another node's registration must then
// abort this transaction (docs/performance.md, "Cluster"). It applies on
// MySQL when this transaction holds the inquiry's row lock (inquiryFor),
// which every transaction adding a clock to an existing inquiry takes
// first, so no clock of it can be committed while this one runs. The ids
// are those this transaction sees (its own inserts, its snapshot) and
// those committed by now, read on another connection because the
// snapshot may predate the lock; the caller then locks them by primary
// key. ok is false when the caller must use the locking read: on SQLite,
// without the inquiry's lock, or when no second connection is free at
// once (a pool full of transactions each waiting for another would
// never end).
func (tx *Tx) clockIDsNoGap(inquiryID int64, filter func(*gorm.DB) *gorm.DB) ([]int64, bool) {
	if tx.store.dialect.sqlite || !tx.heldInquiries[inquiryID] {
		return nil, false
	}
	var mine, fresh []int64
	if err := filter(tx.db.Model(&SLAClock{})).Pluck("id", &mine).Error; err != nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(tx.db.Statement.Context, 250*time.Millisecond)
	defer cancel()
	if err := filter(tx.store.db.WithContext(ctx).Model(&SLAClock{})).Pluck("id", &fresh).Error; err != nil {
		return nil, false
	}
	ids := append(mine, fresh...)
	slices.Sort(ids)
	return slices.Compact(ids), true
}

// stopClocks stops the inquiry's running and paused clocks of a kind (all
// kinds when empty; one referral's when referralID is set). A clock stopped
// after its deadline that no scan caught yet breaches now: lateness is
// never forgiven by finishing before the next scan.
func (tx *Tx) stopClocks(inquiryID int64, kind ClockKind, referralID int64) error {
	cs, err := tx.lockedClocks(inquiryID, kind, referralID, ClockRunning, ClockPaused)
	if err != nil {
		return err
	}
	for i := range cs {
		c := &cs[i]
		before := *c
		if c.State == ClockRunning && tx.now.After(c.DeadlineAt) && c.BreachedAt == nil {
			if _, _, err := tx.breach(c, tx.now); err != nil {
				return err
			}
		}
		now, settling := tx.now, *c // a breach just above counted for itself
		c.State, c.StoppedAt, c.UpdatedAt = ClockStopped, &now, now
		if err := tx.db.Model(c).Select("state", "stopped_at", "updated_at").Updates(c).Error; err != nil {
			return err
		}
		tx.serviceClockChanged(&settling, c)
		tx.audit("sla_clock.stop", "sla_clock", c.ID, before, *c)
	}
	return nil
}

// pauseClocks pauses the inquiry's running clocks that have not expired
// (an expired one breaches whatever happens) and returns how many paused.
func (tx *Tx) pauseClocks(inquiryID int64, reason string) (int, error) {
	cs, err := tx.lockedClocks(inquiryID, "", 0, ClockRunning)
	if err != nil {
		return 0, err
	}
	sched, err := tx.schedule()
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range cs {
		c := &cs[i]
		if tx.now.After(c.DeadlineAt) {
			continue
		}
		before := *c
		if tx.now.After(c.AnchorAt) {
			c.AnchorLeftMS = max(0, c.AnchorLeftMS-msOf(sched.Between(c.AnchorAt, tx.now)))
			c.AnchorAt = tx.now
		}
		now := tx.now
		c.State, c.PausedAt, c.PauseReason, c.UpdatedAt = ClockPaused, &now, reason, now
		if err := tx.db.Model(c).Select("state", "anchor_at", "anchor_left_ms", "paused_at", "pause_reason", "updated_at").Updates(c).Error; err != nil {
			return n, err
		}
		tx.audit("sla_clock.pause", "sla_clock", c.ID, before, *c)
		n++
	}
	return n, nil
}

// resumeClocks restarts the inquiry's paused clocks: the working time left
// at the pause counts from now, so the paused time extends each deadline.
func (tx *Tx) resumeClocks(inquiryID int64) (int, error) {
	cs, err := tx.lockedClocks(inquiryID, "", 0, ClockPaused)
	if err != nil {
		return 0, err
	}
	sched, err := tx.schedule()
	if err != nil {
		return 0, err
	}
	for i := range cs {
		c := &cs[i]
		before := *c
		rules, err := tx.slaRules(c.StartedAt)
		if err != nil {
			return 0, err
		}
		if tx.now.After(c.AnchorAt) {
			c.AnchorAt = tx.now
		}
		c.State, c.PausedAt, c.PauseReason, c.UpdatedAt = ClockRunning, nil, "", tx.now
		c.plan(sched, rules.ReminderFraction)
		if err := tx.db.Model(c).Select("state", "anchor_at", "deadline_at", "remind_at", "paused_at", "pause_reason", "updated_at").Updates(c).Error; err != nil {
			return i, err
		}
		tx.audit("sla_clock.resume", "sla_clock", c.ID, before, *c)
	}
	return len(cs), nil
}

// clockViews returns the clocks of the given inquiries, by inquiry.
func (tx *Tx) clockViews(inquiryIDs []int64) (map[int64][]ClockView, error) {
	out := map[int64][]ClockView{}
	if len(inquiryIDs) == 0 {
		return out, nil
	}
	var cs []SLAClock
	if err := tx.db.Where("inquiry_id IN ?", inquiryIDs).Order("id").Find(&cs).Error; err != nil {
		return out, err
	}
	for _, c := range cs {
		out[c.InquiryID] = append(out[c.InquiryID], c.view(tx.now))
	}
	return out, nil
}

// supervisorOf finds who a department's matters escalate to: its first
// active supervisor other than exclude, else the nearest ancestor
// department's; 0 when there is none.
func (tx *Tx) supervisorOf(departmentID, exclude int64) (int64, error) {
	seen := map[int64]bool{}
	for departmentID != 0 && !seen[departmentID] {
		seen[departmentID] = true
		var ids []int64
		if err := tx.db.Model(&Staff{}).Where("department_id = ? AND role = ? AND active = ? AND id <> ?", departmentID, RoleSupervisor, true, exclude).
			Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
			return 0, err
		}
		if len(ids) > 0 {
			return ids[0], nil
		}
		d, err := tx.department(departmentID)
		if err != nil && ErrorCode(err) != ENotFound {
			return 0, err // a database failure is not "nobody to escalate to"
		}
		if err != nil || d.ParentID == nil {
			return 0, nil
		}
		departmentID = *d.ParentID
	}
	return 0, nil
}

// breach marks a clock breached exactly once — the conditional UPDATE …
// WHERE breached_at IS NULL lets only one transaction, on any instance,
// through — and then raises the violation on its owner, notifies the owner
// and escalates to the department's supervisor.
func (tx *Tx) breach(c *SLAClock, at time.Time) (breached, raised bool, err error) {
	owner := int64(0)
	if c.OwnerID != nil {
		owner = *c.OwnerID
	}
	sup, err := tx.supervisorOf(c.DepartmentID, owner)
	if err != nil {
		return false, false, err
	}
	at = at.UTC().Truncate(time.Millisecond)
	set := map[string]any{"breached_at": at, "updated_at": tx.now}
	if sup != 0 {
		set["escalated_to"] = sup
	}
	res := tx.db.Model(&SLAClock{}).Where("id = ? AND breached_at IS NULL", c.ID).Updates(set)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, false, res.Error
	}
	before := *c
	c.BreachedAt = &at
	if sup != 0 {
		c.EscalatedTo = &sup
	}
	tx.serviceClockChanged(&before, c)
	tx.audit("sla_clock.breach", "sla_clock", c.ID, before, *c)
	var inq Inquiry
	if err := tx.db.Select("id, ref").Where("id = ?", c.InquiryID).Take(&inq).Error; err != nil {
		return true, false, err
	}
	deadline := c.DeadlineAt.In(tx.store.loc).Format("2006-01-02 15:04")
	what := fmt.Sprintf("首问登记 %s 的%s已于 %s 到期", inq.Ref, c.Kind.label(), deadline)
	if owner != 0 {
		_, created, err := tx.raiseSLAViolation(SLABreach{
			Clock: c.ClockKey, StaffID: owner, Type: c.Kind.violationType(), OccurredAt: c.DeadlineAt,
			InquiryID: c.InquiryID, Description: "SLA 超时（系统记录，待核实）：" + what,
		})
		if err != nil {
			return true, false, err
		}
		raised = created
		if err := tx.notify(owner, NotifyBreach, "超时："+inq.Ref, what+"，已记录待核实的违规。", "inquiry", inq.ID); err != nil {
			return true, raised, err
		}
	}
	if sup != 0 {
		if err := tx.notify(sup, NotifyEscalation, "超时升级："+inq.Ref, what+"，请督办。", "inquiry", inq.ID); err != nil {
			return true, raised, err
		}
	}
	refID := int64(0)
	if c.ReferralID != nil {
		refID = *c.ReferralID
	}
	if err := tx.event(c.InquiryID, refID, EventBreached, string(c.Kind)); err != nil {
		return true, raised, err
	}
	if err := tx.robotEscalation(c, owner, sup); err != nil {
		return true, raised, err
	}
	return true, raised, tx.emit("sla.breached", "sla_clock", c.ID, map[string]any{
		"clock": c.ClockKey, "kind": c.Kind, "inquiry_id": c.InquiryID, "inquiry_ref": inq.Ref, "referral_id": c.ReferralID,
		"owner_id": c.OwnerID, "escalated_to": c.EscalatedTo, "deadline_at": c.DeadlineAt, "breached_at": at,
	})
}

// remind sends the reminder of a running clock exactly once (conditional
// UPDATE … WHERE reminded_at IS NULL).
func (tx *Tx) remind(c *SLAClock, at time.Time) (bool, error) {
	at = at.UTC().Truncate(time.Millisecond)
	res := tx.db.Model(&SLAClock{}).Where("id = ? AND reminded_at IS NULL AND state = ?", c.ID, ClockRunning).
		Updates(map[string]any{"reminded_at": at, "updated_at": tx.now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	before := *c
	c.RemindedAt = &at
	tx.audit("sla_clock.remind", "sla_clock", c.ID, before, *c)
	var inq Inquiry
	if err := tx.db.Select("id, ref").Where("id = ?", c.InquiryID).Take(&inq).Error; err != nil {
		return true, err
	}
	refID := int64(0)
	if c.ReferralID != nil {
		refID = *c.ReferralID
	}
	if err := tx.event(c.InquiryID, refID, EventReminder, string(c.Kind)); err != nil {
		return true, err
	}
	if err := tx.robotReminder(c); err != nil {
		return true, err
	}
	if c.OwnerID == nil {
		return true, nil
	}
	deadline := c.DeadlineAt.In(tx.store.loc).Format("2006-01-02 15:04")
	return true, tx.notify(*c.OwnerID, NotifyReminder, "催办："+inq.Ref,
		fmt.Sprintf("首问登记 %s 的%s将于 %s 到期，请尽快办理。", inq.Ref, c.Kind.label(), deadline), "inquiry", inq.ID)
}

// clockByID loads a clock, locked.
func (tx *Tx) clockByID(id int64) (SLAClock, error) {
	var c SLAClock
	err := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, Errorf(ENotFound, "clock %d not found", id)
	}
	return c, err
}
