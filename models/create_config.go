package models

import (
	"database/sql"
	"encoding/json"
	"sync"

	"firstask/scoring"
	"firstask/worktime"
)

// txConfig is the configuration a registration reads, taken in one
// statement (loadConfig) instead of three: the stored working calendar,
// the rule set version in force for a month and whether any generic
// webhook is active. Everything is read afresh in each transaction, so
// an edit by HR on any instance applies to the next registration; only
// what is derived from immutable or compared data is kept in memory (the
// compiled calendar, keyed by its JSON; parsed rule set versions, which
// are never changed once written).
type txConfig struct {
	month    scoring.Month
	calendar sql.NullString // the stored calendar's JSON; NULL: the default
	rules    sql.NullInt64  // the rule set version in force; NULL: the built-in one
	hooks    int64          // active generic webhooks
}

// loadConfig reads the configuration for a registration received in
// month m, once per transaction; calendar(), slaRules and emit use it.
// Only transactions that do not change the configuration may call it.
func (tx *Tx) loadConfig(m scoring.Month) error {
	c := &txConfig{month: m}
	row := tx.db.Statement.ConnPool.QueryRowContext(tx.db.Statement.Context, `SELECT
  (SELECT value FROM settings WHERE name = ?),
  (SELECT version FROM rule_sets WHERE effective_from <= ? ORDER BY effective_from DESC, version DESC LIMIT 1),
  (SELECT COUNT(*) FROM webhooks WHERE kind = ? AND active = ? AND deleted_at IS NULL)`,
		calendarSetting, m.String(), ChannelGeneric, true)
	var hooks sql.NullInt64
	if err := row.Scan(&c.calendar, &c.rules, &hooks); err != nil {
		return err
	}
	if !hooks.Valid {
		// COUNT(*) is never NULL: the server cut the statement short
		// (measured on a Galera cluster: a brute-force abort that
		// answered NULLs instead of error 1213), so the other two may
		// be NULLs that do not mean "the default" either.
		return errStatementCut
	}
	c.hooks = hooks.Int64
	tx.cfg = c
	return nil
}

// configSchedule is schedule() from the loaded configuration: the
// calendar's JSON is parsed only when it differs from the compiled one.
func (tx *Tx) configSchedule() (*worktime.Schedule, error) {
	// The key calendar() gives the default calendar, without building it
	// (a year of holidays) unless it must be compiled.
	key := "default:" + tx.store.loc.String() + ":" + tx.now.In(tx.store.loc).Format("2006")
	if tx.cfg.calendar.Valid {
		key = tx.cfg.calendar.String
	}
	cache := &tx.store.schedules
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.key == key && cache.sched != nil {
		return cache.sched, nil
	}
	var c worktime.Calendar
	if tx.cfg.calendar.Valid {
		if err := json.Unmarshal([]byte(key), &c); err != nil {
			return nil, err
		}
	} else {
		c = tx.store.defaultCalendar(tx.now)
	}
	sched, err := c.Compile()
	if err != nil {
		return nil, err
	}
	cache.key, cache.sched = key, sched
	return sched, nil
}

// ruleCache keeps parsed rule set versions by number: a stored version is
// never changed, so its number identifies its content.
type ruleCache struct {
	mu sync.Mutex
	by map[int64]scoring.SLA
}

// configSLA is the SLA section of the rules in force for the loaded
// month, or false when the configuration was loaded for another month.
func (tx *Tx) configSLA(m scoring.Month) (scoring.SLA, bool, error) {
	if tx.cfg.month != m {
		return scoring.SLA{}, false, nil
	}
	if !tx.cfg.rules.Valid {
		return builtinVersion().Rules.SLA, true, nil
	}
	v := tx.cfg.rules.Int64
	cache := &tx.store.rules
	cache.mu.Lock()
	sla, ok := cache.by[v]
	cache.mu.Unlock()
	if ok {
		return sla, true, nil
	}
	rv, err := tx.ruleVersion(v)
	if err != nil {
		return sla, false, err
	}
	cache.mu.Lock()
	if cache.by == nil {
		cache.by = map[int64]scoring.SLA{}
	}
	cache.by[v] = rv.Rules.SLA
	cache.mu.Unlock()
	return rv.Rules.SLA, true, nil
}
