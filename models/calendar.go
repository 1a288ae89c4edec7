package models

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"firstask/worktime"
)

// setting is one named, JSON-valued configuration entry kept in the
// database (so that every instance shares it).
type setting struct {
	Name      string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
	UpdatedBy *int64
}

func (setting) TableName() string { return "settings" }

const calendarSetting = "calendar"

// CalendarView is the working calendar as GET/PUT /calendar show it.
type CalendarView struct {
	worktime.Calendar
	// IsDefault is true until HR saves a calendar: the default is
	// Monday–Friday 09:00–18:00 in the organisation's zone with the State
	// Council's holidays and make-up days of this year and the next.
	IsDefault bool       `json:"is_default"`
	UpdatedAt *time.Time `json:"updated_at"`
	UpdatedBy *int64     `json:"updated_by"`
}

// scheduleCache keeps the compiled working calendar, keyed by the stored
// JSON, so that each transaction does not recompile it.
type scheduleCache struct {
	mu    sync.Mutex
	key   string
	sched *worktime.Schedule
}

// defaultCalendar is the calendar in force before HR saves one.
func (s *Store) defaultCalendar(now time.Time) worktime.Calendar {
	year := now.In(s.loc).Year()
	c := worktime.ChinaCalendar(year, year+1)
	c.Zone = s.loc.String()
	return c
}

// calendar reads the stored calendar, or the default when none is stored.
func (tx *Tx) calendar() (CalendarView, string, error) {
	var row setting
	err := tx.db.Where("name = ?", calendarSetting).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		c := tx.store.defaultCalendar(tx.now)
		return CalendarView{Calendar: c, IsDefault: true}, "default:" + c.Zone + ":" + tx.now.In(tx.store.loc).Format("2006"), nil
	}
	if err != nil {
		return CalendarView{}, "", err
	}
	var c worktime.Calendar
	if err := json.Unmarshal([]byte(row.Value), &c); err != nil {
		return CalendarView{}, "", err
	}
	updated := row.UpdatedAt
	return CalendarView{Calendar: c, UpdatedAt: &updated, UpdatedBy: row.UpdatedBy}, row.Value, nil
}

// schedule returns the compiled working calendar in force.
func (tx *Tx) schedule() (*worktime.Schedule, error) {
	if tx.cfg != nil {
		return tx.configSchedule()
	}
	view, key, err := tx.calendar()
	if err != nil {
		return nil, err
	}
	cache := &tx.store.schedules
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.key == key && cache.sched != nil {
		return cache.sched, nil
	}
	sched, err := view.Calendar.Compile()
	if err != nil {
		return nil, err
	}
	cache.key, cache.sched = key, sched
	return sched, nil
}

// GetCalendar returns the working calendar.
func (s *Store) GetCalendar(ctx context.Context, a Actor) (CalendarView, error) {
	var out CalendarView
	err := s.read(ctx, a, func(tx *Tx) error {
		var err error
		out, _, err = tx.calendar()
		return err
	})
	return out.normalized(), err
}

func (v CalendarView) normalized() CalendarView {
	if v.Weekdays == nil {
		v.Weekdays = []time.Weekday{}
	}
	if v.Holidays == nil {
		v.Holidays = []worktime.Date{}
	}
	if v.MakeupWorkdays == nil {
		v.MakeupWorkdays = []worktime.Date{}
	}
	return v
}

// PutCalendar replaces the working calendar. Every problem answers 422
// naming its JSON path; the deadlines of running clocks are recomputed on
// the new calendar in the same transaction (the working time they have
// left is kept), so a holiday added today moves them.
func (s *Store) PutCalendar(ctx context.Context, a Actor, c worktime.Calendar) (CalendarView, error) {
	sched, err := c.Compile()
	if err != nil {
		var fe worktime.FieldErrors
		if errors.As(err, &fe) {
			problems := make([]FieldProblem, len(fe))
			for i, e := range fe {
				problems[i] = FieldProblem{Field: e.Path, Message: e.Message}
			}
			return CalendarView{}, Invalid(problems...)
		}
		return CalendarView{}, err
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return CalendarView{}, err
	}
	var out CalendarView
	err = s.write(ctx, a, func(tx *Tx) error {
		before, _, err := tx.calendar()
		if err != nil {
			return err
		}
		row := setting{Name: calendarSetting, Value: string(raw), UpdatedAt: tx.now}
		if !a.IsSystem() {
			row.UpdatedBy = &a.StaffID
		}
		if err := tx.db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "name"}},
			DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at", "updated_by"}),
		}).Create(&row).Error; err != nil {
			return err
		}
		tx.audit("calendar.update", "calendar", 1, before.Calendar, c)
		if err := tx.replanRunningClocks(sched); err != nil {
			return err
		}
		updated := tx.now
		out = CalendarView{Calendar: c, UpdatedAt: &updated, UpdatedBy: row.UpdatedBy}
		return nil
	})
	return out.normalized(), err
}

// replanRunningClocks recomputes the deadline and reminder of every
// running clock on a new calendar.
func (tx *Tx) replanRunningClocks(sched *worktime.Schedule) error {
	var batch []SLAClock
	return tx.db.Where("state = ?", ClockRunning).Order("id").FindInBatches(&batch, 500, func(_ *gorm.DB, _ int) error {
		for i := range batch {
			c := &batch[i]
			rules, err := tx.slaRules(c.StartedAt)
			if err != nil {
				return err
			}
			deadline, remind := c.DeadlineAt, c.RemindAt
			c.plan(sched, rules.ReminderFraction)
			if c.DeadlineAt.Equal(deadline) && c.RemindAt.Equal(remind) {
				continue
			}
			c.UpdatedAt = tx.now
			if err := tx.db.Model(c).Select("deadline_at", "remind_at", "updated_at").Updates(c).Error; err != nil {
				return err
			}
			tx.audit("sla_clock.replan", "sla_clock", c.ID, map[string]any{"deadline_at": deadline}, map[string]any{"deadline_at": c.DeadlineAt})
		}
		return nil
	}).Error
}
