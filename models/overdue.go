package models

import (
	"database/sql"
	"strings"
	"time"

	"gorm.io/gorm"
)

// overdueDriven makes q, a query on table (inquiries or referrals), read
// only the rows named by column col of a running SLA clock past its
// deadline, and read them in that order: first the clocks, by an index
// range on sla_clocks(state, deadline_at), then each row by its primary key.
//
// Written as "id IN (SELECT …)" the databases are free to choose, and
// MariaDB walks the list's ORDER BY index backwards probing the subquery
// until the page is full: cheap while many rows are overdue, an end-to-end
// read of the index when few are. The distinct clock rows are a derived
// table joined first (STRAIGHT_JOIN on MySQL and MariaDB, CROSS JOIN on
// SQLite, both of which keep the written order), so the cost grows with
// the number of overdue rows, never with the table. The rows come out
// sorted by the list's ORDER BY afterwards.
func (tx *Tx) overdueDriven(q *gorm.DB, table, col string) *gorm.DB {
	join := tx.store.dialect.orderedJoin()
	return q.Table("(SELECT DISTINCT "+col+" AS overdue_id FROM sla_clocks WHERE state = ? AND deadline_at < ? AND "+col+" IS NOT NULL) AS overdue "+
		join+" "+table+" ON "+table+".id = overdue.overdue_id", ClockRunning, tx.now)
}

// overdueCount counts the rows named by column col of the running clocks
// past their deadline, from the clocks' index alone. It answers for an
// overdue list that nothing else narrows: every clock belongs to an
// inquiry (and a referral clock to a referral) written in the same
// transaction, and neither is ever deleted, so the join to the table
// would only confirm each row exists.
func (tx *Tx) overdueCount(col string) (int64, error) {
	var n int64
	err := tx.db.Model(&SLAClock{}).Where("state = ? AND deadline_at < ? AND "+col+" IS NOT NULL", ClockRunning, tx.now).
		Distinct(col).Count(&n).Error
	return n, err
}

// overduePage reads one page of an overdue list q (see overdueDriven) in
// two steps: the page's ids, sorted on the order columns alone, then its
// rows by primary key, put back in the page's order. Sorting every overdue
// row whole, as one query would, costs a third more on MariaDB.
func overduePage[T any](q *gorm.DB, table, order string, p Page, out *[]T, idOf func(*T) int64) error {
	var ids []int64
	if err := q.Order(order).Offset(p.Offset()).Limit(p.Size).Pluck(table+".id", &ids).Error; err != nil {
		return err
	}
	return rowsInOrder(q, table, ids, out, idOf)
}

// overdueListPage reads the page and the total of an overdue list q on
// table (whose clocks name it in col), narrowed by overdueRows. probed: HR's
// walk in the list's order (the total is "more than overdueExactUpTo" when
// plain, a bounded count otherwise); another scope than HR's: its matching
// ids once for both (overdueCountedPage); HR's few overdue rows: an exact
// count (from the clocks' index when plain, the filter adding nothing else)
// and the page.
func overdueListPage[T any](tx *Tx, q *gorm.DB, sc Scope, probed, plain bool, table, col, order string, p Page, out *[]T, idOf func(*T) int64) (Total, error) {
	switch {
	case probed:
		total := Total{N: int64(overdueExactUpTo), LowerBound: true} // manyOverdue found more
		if !plain {
			var err error
			if total, err = boundedCount(q, table, overdueExactUpTo); err != nil {
				return Total{}, err
			}
		}
		// The page's ids from the walk (index only), then its rows.
		return total, overduePage(q, table, order, p, out, idOf)
	case !sc.All:
		n, err := overdueCountedPage(q, table, order, p, out, idOf)
		return Total{N: n}, err
	}
	var n int64
	var err error
	if plain {
		n, err = tx.overdueCount(col)
	} else {
		err = q.Count(&n).Error
	}
	if err != nil {
		return Total{}, err
	}
	return Total{N: n}, overduePage(q, table, order, p, out, idOf)
}

// overdueCountedPage is overduePage for a list whose every row is cheap to
// find (a staff member's or a supervisor's scope, at most a few thousand
// overdue rows): one query reads all the matching ids in order, their
// number is the total, and the page's rows follow by primary key. Counting
// and paging separately probed every row of the scope twice.
func overdueCountedPage[T any](q *gorm.DB, table, order string, p Page, out *[]T, idOf func(*T) int64) (int64, error) {
	var ids []int64
	if err := q.Order(order).Pluck(table+".id", &ids).Error; err != nil {
		return 0, err
	}
	total := int64(len(ids))
	from := min(p.Offset(), len(ids))
	return total, rowsInOrder(q, table, ids[from:min(from+p.Size, len(ids))], out, idOf)
}

// rowsInOrder reads the rows of table with ids by primary key into out,
// in the order of ids.
func rowsInOrder[T any](q *gorm.DB, table string, ids []int64, out *[]T, idOf func(*T) int64) error {
	if len(ids) == 0 {
		*out = []T{}
		return nil
	}
	var rows []T
	if err := q.Session(&gorm.Session{NewDB: true}).Table(table).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	sorted := make([]T, len(ids))
	n := 0
	for i := range rows {
		if k, ok := at[idOf(&rows[i])]; ok {
			sorted[k] = rows[i]
			n++
		}
	}
	*out = sorted[:n]
	return nil
}

// overdueExactUpTo is how many overdue rows an overdue list counts exactly
// for HR and admin. Beyond it the list is read the other way round (see
// overdueProbed) and its total is a lower bound: "more than N".
var overdueExactUpTo = 1000

// Total is how many rows a list holds: exactly, or, when LowerBound is set,
// more than N (counting every row would cost more than the page).
type Total struct {
	N          int64
	LowerBound bool
}

// manyOverdue reports whether more than overdueExactUpTo rows (named by
// column col) have a running clock past its deadline. It reads at most
// that many distinct entries of the clocks' index range, whatever the
// number of overdue rows.
func (tx *Tx) manyOverdue(col string) (bool, error) {
	var n int64
	err := tx.db.Raw("SELECT COUNT(*) FROM (SELECT DISTINCT "+col+" FROM sla_clocks WHERE state = ? AND deadline_at < ? AND "+col+" IS NOT NULL LIMIT ?) AS o",
		ClockRunning, tx.now, overdueExactUpTo+1).Scan(&n).Error
	return n > int64(overdueExactUpTo), err
}

// overdueProbed keeps the rows of q (on table) that have a running clock
// past its deadline, probing each row's clocks by the index on (col,
// state, deadline_at) (migration 00103). With many rows overdue a list
// walked in its own order fills a page after a few probes per row, so a
// page costs what a page costs; overdueDriven, which reads every overdue
// clock first, serves the lists with few.
//
// The probe is a scalar subquery, not EXISTS: MariaDB turns EXISTS into a
// semi-join and materialises every overdue clock first (EXPLAIN:
// MATERIALIZED over idx_sla_clocks_due), which is the cost this avoids; a
// scalar subquery stays a DEPENDENT SUBQUERY on both databases.
//
// The walk starts at the overdue horizon (overdueHorizon) on timeCol, the
// list's time column (received_at, referred_at), not at the newest row:
// the rows received within the shortest running budget cannot be overdue
// yet, and on a busy day they are tens of thousands of probes that find
// nothing.
func (tx *Tx) overdueProbed(q *gorm.DB, table, col, timeCol string) (*gorm.DB, error) {
	kinds := AllClockKinds
	if col == "referral_id" {
		kinds = []ClockKind{ClockContact} // the only clock a referral has
	}
	horizon, err := tx.overdueHorizon(kinds)
	if err != nil {
		return nil, err
	}
	if newest, ok, err := tx.newestOverdueStart(kinds, horizon); err != nil {
		return nil, err
	} else if ok && newest.Add(futureSkew).Before(horizon) {
		// An inquiry's contact clock may start up to futureSkew before
		// its received_at (see overdueHorizon).
		horizon = newest.Add(futureSkew)
	}
	return tx.overdueWithin(q.Where(table+"."+timeCol+" <= ?", horizon), table, col), nil
}

// overdueRows narrows q (on table, whose clocks name it in col and whose
// list runs by timeCol) to the rows with a running clock past its
// deadline, the way that costs least for who asks. HR and admin (bounded:
// the API's list): with more than overdueExactUpTo overdue rows the list
// is walked in its order, each row's clocks probed (overdueProbed; probed
// is then true), else the overdue clocks are read first (overdueDriven).
// A staff member, or a supervisor whose scope q already holds as a set of
// ids (scopedBySet, see supervisorScopeSet): their rows are probed
// (overdueWithin). Another supervisor: the clocks are read first.
func (tx *Tx) overdueRows(q *gorm.DB, sc Scope, table, col, timeCol string, bounded, scopedBySet bool) (*gorm.DB, bool, error) {
	switch {
	case sc.All:
		if bounded {
			many, err := tx.manyOverdue(col)
			if err != nil {
				return q, false, err
			}
			if many {
				q, err = tx.overdueProbed(q, table, col, timeCol)
				return q, true, err
			}
		}
		return tx.overdueDriven(q, table, col), false, nil
	case len(sc.DepartmentIDs) == 0, scopedBySet:
		return tx.overdueWithin(q, table, col), false, nil
	}
	return tx.overdueDriven(q, table, col), false, nil
}

// supervisorSetUpTo is the largest number of inquiries in a supervisor's
// departments for which their lists are scoped by one materialised set of
// ids (supervisorScopeSet) rather than by the OR of inquiryScope.
const supervisorSetUpTo = 20000

// smallDepartments reports whether departments hold at most
// supervisorSetUpTo inquiries, from an index-only count that stops after
// one more.
func (tx *Tx) smallDepartments(depts []int64) (bool, error) {
	var n int64
	err := tx.db.Raw("SELECT COUNT(*) FROM (SELECT id FROM inquiries WHERE department_id IN ? LIMIT ?) AS d",
		nonEmpty(depts), supervisorSetUpTo+1).Scan(&n).Error
	return n <= supervisorSetUpTo, err
}

// overdueWithin keeps the rows of q (on table) that have a running clock
// past its deadline by probing each row's clocks (the scalar subquery of
// overdueProbed). It serves a staff member's overdue lists as they are:
// their scope is a few hundred rows (see inquiryScope), where reading
// every overdue clock of the organisation first (overdueDriven) read
// 86,000 of them for 18 rows (0.4–1.1 s on the full-size seed).
func (tx *Tx) overdueWithin(q *gorm.DB, table, col string) *gorm.DB {
	return q.Where("(SELECT 1 FROM sla_clocks oc WHERE oc."+col+" = "+table+".id AND oc.state = ? AND oc.deadline_at < ? LIMIT 1) = 1",
		ClockRunning, tx.now)
}

// overdueHorizon is an instant after which no inquiry was received, and no
// referral made, that has a running clock of one of the kinds past its
// deadline: now less the smallest budget of a running clock of those
// kinds, plus futureSkew.
//
// Why it holds: a clock's deadline is Add(anchor, left) on the working
// calendar, and working time never runs faster than the wall clock, so
// deadline_at >= started_at + budget_ms whatever pauses, resumptions and
// extensions did (pausing spends working time that passed, extending adds
// to what is left). A clock starts no earlier than its referral is made
// (contact) or its inquiry received (handover and feedback: at received_at
// or later), and a referral is made no earlier than futureSkew before its
// inquiry's received_at (received_at may lie that far ahead). So an overdue
// clock (deadline_at < now) started before now - budget_ms, and its row's
// time column lies before now - budget_ms + futureSkew. The smallest
// running budget of each kind is one entry of
// idx_sla_clocks_running_budget (migration 00150).
func (tx *Tx) overdueHorizon(kinds []ClockKind) (time.Time, error) {
	parts := make([]string, len(kinds))
	args := make([]any, 0, 2*len(kinds))
	for i, k := range kinds {
		parts[i] = "SELECT (SELECT budget_ms FROM sla_clocks WHERE state = ? AND kind = ? ORDER BY budget_ms LIMIT 1) AS b"
		args = append(args, ClockRunning, k)
	}
	var least sql.NullInt64
	if err := tx.db.Raw("SELECT MIN(b) FROM ("+strings.Join(parts, " UNION ALL ")+") AS k", args...).Scan(&least).Error; err != nil {
		return time.Time{}, err
	}
	budget := time.Duration(0)
	if least.Valid && least.Int64 > 0 {
		budget = time.Duration(least.Int64) * time.Millisecond
	}
	return tx.now.Add(-budget).Add(futureSkew), nil
}

// newestOverdueStart is the latest started_at of a running clock of the
// kinds past its deadline, found by walking idx_sla_clocks_service
// (started_at first, state and deadline_at in the entry) backwards from
// before: index entries only, no probe per row. No inquiry received, and
// no referral made, after it has an overdue clock of those kinds (a clock
// starts when its row's time column is reached or later, less futureSkew;
// see overdueHorizon), so the probed walk can start there: on the full-size
// seed that skipped 10,000 inquiries whose clocks were stopped or not yet
// due, each a subquery on MariaDB. ok is false when no clock is overdue.
func (tx *Tx) newestOverdueStart(kinds []ClockKind, before time.Time) (time.Time, bool, error) {
	hint := "FORCE INDEX (idx_sla_clocks_service)"
	if tx.store.dialect.sqlite {
		hint = "INDEXED BY idx_sla_clocks_service"
	}
	var newest []time.Time
	err := tx.db.Raw("SELECT started_at FROM sla_clocks "+hint+" WHERE started_at <= ? AND state = ? AND deadline_at < ? AND kind IN ? ORDER BY started_at DESC LIMIT 1",
		before, ClockRunning, tx.now, kinds).Scan(&newest).Error
	if err != nil || len(newest) == 0 {
		return time.Time{}, false, err
	}
	return newest[0], true, nil
}

// boundedCount counts the rows of q up to limit: the exact number when
// there are at most limit, else Total{limit, true}. It stops reading after
// limit+1 rows.
func boundedCount(q *gorm.DB, table string, limit int) (Total, error) {
	var n int64
	sub := q.Session(&gorm.Session{}).Select(table + ".id").Limit(limit + 1)
	if err := q.Session(&gorm.Session{NewDB: true}).Table("(?) AS bounded", sub).Count(&n).Error; err != nil {
		return Total{}, err
	}
	if n > int64(limit) {
		return Total{N: int64(limit), LowerBound: true}, nil
	}
	return Total{N: n}, nil
}
