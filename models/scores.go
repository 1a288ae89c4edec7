package models

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"firstask/scoring"
)

// StaffScore is one person's result for a month together with who they are.
type StaffScore struct {
	ID             int64  `json:"staff_id"`
	EmployeeNo     string `json:"employee_no"`
	Name           string `json:"name"`
	DepartmentID   int64  `json:"department_id"`
	DepartmentName string `json:"department_name"`
	scoring.Result
}

// CountedRecord is one conduct record as it counted in a month: a
// violation, a praise, or the correction of a violation overturned after
// its month closed. Points is what was applied (negative for a deduction).
type CountedRecord struct {
	Kind          scoring.RecordKind    `json:"kind"`
	ID            int64                 `json:"id"`
	StaffID       int64                 `json:"staff_id"`
	OccurredAt    time.Time             `json:"occurred_at"`
	ViolationType scoring.ViolationType `json:"violation_type,omitempty"`
	Severity      scoring.Severity      `json:"severity,omitempty"`
	Sanction      scoring.Sanction      `json:"sanction,omitempty"`
	PraiseKind    scoring.PraiseKind    `json:"praise_kind,omitempty"`
	Points        float64               `json:"points"`
	RawPoints     float64               `json:"raw_points"`
	Capped        bool                  `json:"capped"`
	InquiryID     *int64                `json:"inquiry_id"`
	// InquiryRef is the inquiry's human-readable ref; empty until the
	// inquiries part fills it in.
	InquiryRef string `json:"inquiry_ref"`
	// State is the violation's state (verified, appealed, upheld; overturned
	// for a correction) or "recorded" for praise.
	State           string         `json:"state"`
	CarriedOverFrom *scoring.Month `json:"carried_over_from"`
	Reason          string         `json:"reason"`
	// Note is the record's description or praise reason; the score reads
	// leave it empty (see Store.RecordNotes), the workbook fills it.
	Note string `json:"-"`
}

// PraiseRecorded is the State of a counted praise.
const PraiseRecorded = "recorded"

// MonthScores is a month's results for the people in a caller's scope and
// every record counted in them: from the closing snapshot when the month is
// closed, computed live (provisional) while it is open.
type MonthScores struct {
	Month       scoring.Month   `json:"month"`
	Closed      bool            `json:"closed"`
	ClosedAt    *time.Time      `json:"closed_at"`
	RuleVersion int64           `json:"rule_version"`
	Rules       scoring.RuleSet `json:"rules"`
	Results     []StaffScore    `json:"results"`
	Records     []CountedRecord `json:"records"`
}

// periodOf reads a month's period row; a month never used is open.
func (tx *Tx) periodOf(m scoring.Month) (Period, bool, error) {
	var ps []Period
	if err := tx.db.Where("month = ?", m.String()).Limit(1).Find(&ps).Error; err != nil {
		return Period{}, false, err
	}
	if len(ps) == 0 {
		return Period{Month: m.String(), State: PeriodOpen}, false, nil
	}
	return ps[0], true, nil
}

// MonthScores returns the month's results and counted records for the
// people in the actor's scope (HR and admin: everyone; supervisors: their
// department subtree; staff: themselves), optionally only for one department
// and its sub-departments. A closed month answers from its snapshot; an open
// one is computed live with a fixed number of queries however many people and
// records there are.
func (s *Store) MonthScores(ctx context.Context, a Actor, month scoring.Month, departmentID int64) (MonthScores, error) {
	return s.wholeMonth(ctx, a, month, departmentID, true)
}

// MonthResults is MonthScores without the records list (Records is nil):
// what a page of the month's results shows, for a fraction of the work
// (no list of every record, no inquiry refs).
func (s *Store) MonthResults(ctx context.Context, a Actor, month scoring.Month, departmentID int64) (MonthScores, error) {
	return s.wholeMonth(ctx, a, month, departmentID, false)
}

// wholeMonth is MonthScores, with the records list when withRecords is set.
func (s *Store) wholeMonth(ctx context.Context, a Actor, month scoring.Month, departmentID int64, withRecords bool) (MonthScores, error) {
	var out MonthScores
	err := s.read(ctx, a, func(tx *Tx) error {
		scope, err := tx.resolveScoreScope(a, departmentID)
		if err != nil {
			return err
		}
		out, _, err = tx.monthScores(month, scope, nil, withRecords)
		return err
	})
	return out, err
}

// MonthScoresOf returns one person's result and records for a month, if
// the person is in the actor's scope (404 otherwise, and for a closed month
// whose snapshot does not hold the person). Each item's Note carries the
// record's description or praise reason.
func (s *Store) MonthScoresOf(ctx context.Context, a Actor, month scoring.Month, staffID int64) (MonthScores, error) {
	var out MonthScores
	err := s.read(ctx, a, func(tx *Tx) error {
		// One's own score (GET /me/scores) needs no scope check: the
		// signed-in actor is an active staff member, and a person who is
		// not scored gets no result below.
		if staffID != a.StaffID || a.IsSystem() {
			if _, err := tx.staffInScope(a, staffID); err != nil {
				return err
			}
		}
		// An open month in two statements (my_scores.go), notes included.
		var closed bool
		var err error
		if out, closed, err = tx.personMonthScores(month, staffID); err == nil && closed {
			out, _, err = tx.monthScores(month, scoreScope{staffIDs: []int64{staffID}}, nil, true)
			if err == nil {
				err = tx.fillNotes(&out)
			}
		}
		if err == nil && len(out.Results) == 0 {
			return Errorf(ENotFound, "no result for staff member %d in %s", staffID, month)
		}
		return err
	})
	return out, err
}

// ScoreFilter selects a page of a month's results.
type ScoreFilter struct {
	DepartmentID int64
	Page
}

// ListMonthScores returns one page of a month's results in the actor's
// scope, ordered by employee number, without the records list. A live page
// computes only the people on it.
func (s *Store) ListMonthScores(ctx context.Context, a Actor, month scoring.Month, f ScoreFilter) (MonthScores, int64, error) {
	var out MonthScores
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		scope, err := tx.resolveScoreScope(a, f.DepartmentID)
		if err != nil {
			return err
		}
		out, total, err = tx.monthScores(month, scope, &f.Page, false)
		return err
	})
	return out, total, err
}

// monthScores is the heart of MonthScores: from the snapshot or live, all
// the scope's people or one page of them, with the records list when
// withRecords is set.
func (tx *Tx) monthScores(m scoring.Month, scope scoreScope, page *Page, withRecords bool) (MonthScores, int64, error) {
	p, _, err := tx.periodOf(m)
	if err != nil {
		return MonthScores{}, 0, err
	}
	if p.State == PeriodClosed {
		out, total, err := tx.snapshotScores(m, p, scope, page)
		if !withRecords {
			out.Records = nil
		}
		return out, total, err
	}
	out := MonthScores{Month: m}
	if out.Rules, out.RuleVersion, err = tx.effectiveRules(m); err != nil {
		return out, 0, err
	}
	var total int64
	out.Results, out.Records, total, err = tx.liveScores(m, out.Rules, scope, page, withRecords)
	return out, total, err
}

// liveScores scores an open month: every person in scope, or only one page
// of them, with the records list (and their refs) when withRecords is set
// (never asked for a page). Whatever the number of people and records it
// runs the same few queries: the people, their uploaded bases, and the
// counted violations, praise and corrections. Outside a transaction the
// people and bases are read on a second connection while the records are
// read.
func (tx *Tx) liveScores(m scoring.Month, rules scoring.RuleSet, scope scoreScope, page *Page, withRecords bool) ([]StaffScore, []CountedRecord, int64, error) {
	in, err := tx.liveInputs(m, scope, page, withRecords)
	if err != nil {
		return nil, nil, 0, err
	}
	scores, records := scoreLive(rules, in.people, in.bases, in.set, withRecords)
	for i := range records {
		if records[i].InquiryID != nil {
			records[i].InquiryRef = in.refs.get(*records[i].InquiryID)
		}
	}
	return scores, records, in.total, nil
}

// liveData is what scoring an open month reads from the database.
type liveData struct {
	people []staffRow
	total  int64
	bases  map[int64]float64
	set    *countedSet
	refs   *refTable
}

// liveInputs reads what liveScores scores, and the refs of the inquiries
// the records name when withRefs (an export leaves them to the notes read,
// Store.RecordNotes, off its single transaction's critical path).
func (tx *Tx) liveInputs(m scoring.Month, scope scoreScope, page *Page, withRefs bool) (liveData, error) {
	var (
		people []staffRow
		total  int64
		bases  map[int64]float64
		set    *countedSet
		refs   *refTable
		err    error
	)
	loadPeople := func() error {
		var err error
		if people, total, err = tx.scoredStaff(scope, page); err != nil {
			return err
		}
		if page != nil {
			// Only the page's people need scoring.
			ids := make([]int64, len(people))
			for i, p := range people {
				ids[i] = p.ID
			}
			scope = scoreScope{staffIDs: ids}
		}
		if bases, err = tx.basesOf(m, scope, page == nil); err != nil || page != nil || !withRefs {
			return err
		}
		refs, err = tx.inquiryRefs(m, scope)
		return err
	}
	// One person (GET /me/scores, a personal sheet) reads a few dozen rows:
	// a second connection costs more than it saves.
	if !tx.parallel || page != nil || len(scope.staffIDs) == 1 {
		if err = loadPeople(); err == nil {
			set, err = tx.countedRecords(m, scope)
		}
	} else {
		var wg sync.WaitGroup
		var peopleErr error
		wg.Go(func() { peopleErr = loadPeople() })
		set, err = tx.countedRecords(m, scope)
		wg.Wait()
		err = errors.Join(err, peopleErr)
	}
	if err != nil {
		return liveData{}, err
	}
	return liveData{people: people, total: total, bases: bases, set: set, refs: refs}, nil
}

// inquiryRefs returns the human-readable refs of the inquiries that the
// month's counted records (in scope) name: the violations, the praise and
// the corrections each joined to their inquiries, without removing
// duplicates in the database (a UNION's temporary table cost more than the
// rows it saved); the table keeps each id once.
func (tx *Tx) inquiryRefs(m scoring.Month, scope scoreScope) (*refTable, error) {
	month := m.String()
	cond, args := scope.clause("r.staff_id")
	and := ""
	if cond != "" {
		and = " AND " + cond
	}
	var b refTableBuilder
	for _, named := range []struct {
		table, where string
		args         []any
	}{
		{"violations", "r.counted_month = ? AND r.state IN ?", []any{month, countingStates}},
		{"praises", "r.counted_month = ?", []any{month}},
		{"violations", "r.correction_month = ? AND r.state = ?", []any{month, ViolationOverturned}},
	} {
		rows, err := tx.db.Raw("SELECT i.id, i.ref FROM "+named.table+" r JOIN inquiries i ON i.id = r.inquiry_id WHERE "+
			named.where+" AND r.inquiry_id IS NOT NULL"+and, append(named.args, args...)...).Rows()
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var ref sql.RawBytes
			if err := rows.Scan(&id, &ref); err != nil {
				rows.Close()
				return nil, err
			}
			b.add(id, ref)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
	}
	return b.table(), nil
}

// refTable maps inquiry ids to their refs in three flat arrays: a month's
// 250,000 refs take 5 MB here, where a map[int64]string of them took
// ~30 MB, held through a whole export (docs/performance.md).
type refTable struct {
	ids  []int64  // sorted
	offs []uint32 // where each id's ref starts in text; it ends at the next one's start
	text string
}

// get returns the ref of inquiry id, "" for an id the table lacks.
func (t *refTable) get(id int64) string {
	if t == nil {
		return ""
	}
	i, ok := slices.BinarySearch(t.ids, id)
	if !ok {
		return ""
	}
	end := uint32(len(t.text))
	if i+1 < len(t.offs) {
		end = t.offs[i+1]
	}
	return t.text[t.offs[i]:end]
}

// refTableBuilder gathers refs in any order for a refTable.
type refTableBuilder struct {
	entries []refEntry
	text    []byte
}

type refEntry struct {
	id       int64
	off, end uint32
}

func (b *refTableBuilder) add(id int64, ref []byte) {
	off := uint32(len(b.text))
	b.text = append(b.text, ref...)
	b.entries = append(b.entries, refEntry{id: id, off: off, end: uint32(len(b.text))})
}

// table sorts what was added by id into a refTable (an id added twice
// keeps one of its refs).
func (b *refTableBuilder) table() *refTable {
	slices.SortFunc(b.entries, func(x, y refEntry) int { return cmp.Compare(x.id, y.id) })
	b.entries = slices.CompactFunc(b.entries, func(x, y refEntry) bool { return x.id == y.id })
	t := &refTable{ids: make([]int64, len(b.entries)), offs: make([]uint32, len(b.entries))}
	text := make([]byte, 0, len(b.text))
	for i, e := range b.entries {
		t.ids[i], t.offs[i] = e.id, uint32(len(text))
		text = append(text, b.text[e.off:e.end]...)
	}
	t.text = string(text)
	b.entries, b.text = nil, nil
	return t
}

// staffRow is a person to score.
type staffRow struct {
	ID             int64
	EmployeeNo     string
	Name           string
	DepartmentID   int64
	DepartmentName string
}

// scopeClause is the SQL condition (on column col holding a staff id) and
// arguments that keep to the scope; "" when it does not narrow.
func (sc scoreScope) clause(col string) (string, []any) {
	var conds []string
	var args []any
	if sc.staffIDs != nil {
		conds = append(conds, col+" IN ?")
		args = append(args, nonEmpty(sc.staffIDs))
	}
	if sc.departments != nil {
		conds = append(conds, col+" IN (SELECT id FROM staff WHERE department_id IN ?)")
		args = append(args, nonEmpty(sc.departments))
	}
	return strings.Join(conds, " AND "), args
}

// nonEmpty keeps "IN ?" valid SQL for an empty list (no id is 0).
func nonEmpty(ids []int64) []int64 {
	if len(ids) == 0 {
		return []int64{0}
	}
	return ids
}

// scoredStaff returns the active staff in scope ordered by employee number
// (one page of them when page is set) and how many there are in all.
func (tx *Tx) scoredStaff(scope scoreScope, page *Page) ([]staffRow, int64, error) {
	var total int64
	if page != nil {
		var err error
		if total, err = tx.scoredCount(scope); err != nil {
			return nil, 0, err
		}
	}
	// The people are chosen (and a page cut) from staff alone, in
	// employee-number order from idx_staff_scored, and only then joined to
	// their departments: MariaDB planned the join first (every department,
	// each one's people, then a sort of all 10,000 for a page of 50).
	people := tx.scoredQuery(scope).Select("s.id, s.employee_no, s.name, s.department_id").Order("s.employee_no")
	if page != nil {
		people = people.Offset(page.Offset()).Limit(page.Size)
	}
	rows, err := tx.db.Table("(?) AS s", people).Joins("JOIN departments d ON d.id = s.department_id").
		Select("s.id, s.employee_no, s.name, s.department_id, d.name").Order("s.employee_no").Rows()
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []staffRow
	for rows.Next() {
		var r staffRow
		if err := rows.Scan(&r.ID, &r.EmployeeNo, &r.Name, &r.DepartmentID, &r.DepartmentName); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	if page == nil {
		total = int64(len(out))
	}
	return out, total, rows.Err()
}

// scoredQuery selects the scored people of scope (active and appraised).
func (tx *Tx) scoredQuery(scope scoreScope) *gorm.DB {
	q := tx.db.Table("staff AS s").Where("s.active = ? AND s.appraised = ?", true, true)
	if scope.staffIDs != nil {
		q = q.Where("s.id IN ?", nonEmpty(scope.staffIDs))
	}
	if scope.departments != nil {
		q = q.Where("s.department_id IN ?", nonEmpty(scope.departments))
	}
	return q
}

// scoredCount counts the scored people of scope on the staff alone, from
// idx_staff_scored (migration 00152): every person's department exists
// (departments are never deleted), so a join would only confirm it.
func (tx *Tx) scoredCount(scope scoreScope) (int64, error) {
	var n int64
	err := tx.scoredQuery(scope).Count(&n).Error
	return n, err
}

// basesOf returns the uploaded base scores of the month: everyone's when
// all is set, else only the scope's.
func (tx *Tx) basesOf(m scoring.Month, scope scoreScope, all bool) (map[int64]float64, error) {
	out := map[int64]float64{}
	if all && scope.staffIDs == nil {
		bases, err := tx.uploadedBases(m)
		if err != nil {
			return nil, err
		}
		for id, b := range bases {
			out[id] = b.Score
		}
		return out, nil
	}
	up, err := tx.currentUpload(m)
	if err != nil || up == nil {
		return out, err
	}
	cond, args := scope.clause("staff_id")
	q := tx.db.Table("base_results").Select("staff_id, score").Where("upload_id = ?", up.ID)
	if cond != "" {
		q = q.Where(cond, args...)
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, err
		}
		out[id] = score
	}
	return out, rows.Err()
}

// recordInfo is what a counted record shows besides its scoring: its
// inquiry (0 for none) and state.
type recordInfo struct {
	inquiryID int64
	state     ViolationState
}

// countedSet is a month's counted records ready for scoring.ComputeMonth,
// with what the records list shows of each in info (same index). Records
// come in runs by kind; each run is indexed by record id so that an item of
// a result finds its record without a map.
//
// The records are counted first (one statement answered from the indexes)
// and read straight into slices of that size: copying 200,000 records
// afterwards, as reading them into chunks did, took a sixth of the time on
// MariaDB (a copy of pointerful memory pays a write barrier per word while
// the collector runs). Should rows have come in meanwhile, append grows.
type countedSet struct {
	records []scoring.Record
	info    []recordInfo
	runs    []countedRun

	n, runFrom int
}

type countedRun struct {
	kind scoring.RecordKind
	byID []int32
	// dense, when set, maps id-minID to the record's index (-1 for none):
	// a month's records have nearly consecutive ids, and a table lookup
	// saves both sorting byID and a binary search per listed record.
	dense []int32
	minID int64
}

// reserve makes room for n records.
func (set *countedSet) reserve(n int) {
	set.records = make([]scoring.Record, 0, n)
	set.info = make([]recordInfo, 0, n)
}

// add appends a record and its info while rows are read.
func (set *countedSet) add(r *scoring.Record, info recordInfo) {
	set.records = append(set.records, *r)
	set.info = append(set.info, info)
	set.n++
}

// at returns the record added as the i-th while reading.
func (set *countedSet) at(i int) *scoring.Record {
	return &set.records[i]
}

// endRun closes the run of records of one kind added since the last run.
func (set *countedSet) endRun(kind scoring.RecordKind) {
	n := set.n - set.runFrom
	if n > 0 {
		lo, hi := set.at(set.runFrom).ID, set.at(set.runFrom).ID
		for i := set.runFrom; i < set.n; i++ {
			id := set.at(i).ID
			lo, hi = min(lo, id), max(hi, id)
		}
		if span := hi - lo + 1; span <= 4*int64(n)+1024 {
			dense := make([]int32, span)
			for i := range dense {
				dense[i] = -1
			}
			for i := set.runFrom; i < set.n; i++ {
				dense[set.at(i).ID-lo] = int32(i)
			}
			set.runs = append(set.runs, countedRun{kind: kind, dense: dense, minID: lo})
			set.runFrom = set.n
			return
		}
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(set.runFrom + i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(set.at(int(a)).ID, set.at(int(b)).ID) })
	set.runs = append(set.runs, countedRun{kind: kind, byID: idx})
	set.runFrom = set.n
}

// find returns the index of the record of a kind and id, or -1.
func (set *countedSet) find(kind scoring.RecordKind, id int64) int {
	for k := range set.runs {
		if set.runs[k].kind != kind {
			continue
		}
		if d := set.runs[k].dense; d != nil {
			if i := id - set.runs[k].minID; i >= 0 && i < int64(len(d)) && d[i] >= 0 {
				return int(d[i])
			}
			continue
		}
		idx := set.runs[k].byID
		i, ok := slices.BinarySearchFunc(idx, id, func(j int32, id int64) int { return cmp.Compare(set.records[j].ID, id) })
		if ok {
			return int(idx[i])
		}
	}
	return -1
}

// countedRecords loads the records that count in month m for the scope:
// violations counted there (verified, appealed, upheld), praise counted
// there, and corrections of violations overturned after their month closed.
//
// The records are counted first, from the month's per-person counts, and
// each part is read straight into its own window of one slice of that
// size, so that the parts need no copying afterwards. On SQLite a whole
// month's violations are read in two halves by the parity of the person's
// id, each half one seek in idx_violations_counted_packed (migration
// 00210), whose entries hold the packed rows ready made. MySQL reads them
// in one part: without such an index each half walked the whole month's
// index entries on the server (1.5–1.6× the SQL aggregate with halves,
// 1.3–1.4× without). Outside a transaction the parts of a big month
// (splitRecords) are read on their own connections at once.
func (tx *Tx) countedRecords(m scoring.Month, scope scoreScope) (*countedSet, error) {
	set := &countedSet{}
	month := m.String()
	cond, args := scope.clause("staff_id")
	where := func(base string, baseArgs ...any) (string, []any) {
		if cond == "" {
			return base, baseArgs
		}
		return base + " AND " + cond, append(baseArgs, args...)
	}
	vq, va := where("counted_month = ? AND state IN ?", month, countingStates)
	pq, pa := where("counted_month = ?", month)

	// See scores_sqlite.go for why SQLite reads one packed value per record.
	packed := tx.store.dialect.packedScores()
	vcols, vscan := "id, staff_id, type, severity, sanction, occurred_at, inquiry_id, carried_over_from, state", (*countedSet).scanViolations
	pcols, pscan := "id, staff_id, kind, occurred_at, inquiry_id, carried_over_from", (*countedSet).scanPraise
	if packed {
		vcols, vscan = packedViolations, (*countedSet).scanPackedViolations
		pcols, pscan = packedPraise, (*countedSet).scanPackedPraise
	}
	// read is one query whose rows go to part.
	read := func(part *countedSet, table, cols, q string, qa []any, scan func(*countedSet, *sql.Rows) error) func(*Tx) error {
		return func(tx *Tx) error {
			rows, err := tx.db.Table(table).Select(cols).Where(q, qa...).Rows()
			if err != nil {
				return err
			}
			return scan(part, rows)
		}
	}

	if len(scope.staffIDs) == 1 {
		// One person's month: a few dozen records, not worth a count.
		set.reserve(64)
		if err := read(set, "violations", vcols, vq, va, vscan)(tx); err != nil {
			return set, err
		}
		set.endRun(scoring.RecordViolation)
		if err := read(set, "praises", pcols, pq, pa, pscan)(tx); err != nil {
			return set, err
		}
		set.endRun(scoring.RecordPraise)
		return set, tx.countedCorrections(set, month, where)
	}

	// The counts come from staff_month_counts (one row per person, kept
	// with the records): summing 10,000 rows instead of walking 200,000
	// index entries. Should they ever disagree with the records, join
	// copies the parts together instead (see countedSet.join).
	var nv, nodd, np, nc int64
	cc, cca := where("month = ?", month)
	err := tx.db.Raw("SELECT COALESCE(SUM(counted_violations), 0), COALESCE(SUM(CASE WHEN staff_id % 2 = 1 THEN counted_violations END), 0), "+
		"COALESCE(SUM(counted_praise), 0), COALESCE(SUM(corrections), 0) FROM staff_month_counts WHERE "+cc, cca...).Row().Scan(&nv, &nodd, &np, &nc)
	if err != nil {
		return set, err
	}
	big := nv+np >= int64(splitRecords)
	var parts []countedPart
	if packed && cond == "" {
		// The indexes are named, so that no planner statistics can steer
		// SQLite back to building the packed rows from
		// idx_violations_month_cover.
		const violations = "violations INDEXED BY idx_violations_counted_packed"
		parts = []countedPart{
			{table: violations, cols: vcols, q: vq + " AND staff_id % 2 = 0", args: va, scan: vscan, want: nv - nodd},
			{table: violations, cols: vcols, q: vq + " AND staff_id % 2 = 1", args: va, scan: vscan, want: nodd},
			{table: "praises INDEXED BY idx_praises_counted_packed", cols: pcols, q: pq, args: pa, scan: pscan, want: np},
		}
	} else {
		parts = []countedPart{
			{table: "violations", cols: vcols, q: vq, args: va, scan: vscan, want: nv},
			{table: "praises", cols: pcols, q: pq, args: pa, scan: pscan, want: np},
		}
	}
	set.reserve(int(nv + np + nc))
	reads := make([]func(*Tx) error, len(parts))
	off := 0
	for i := range parts {
		p := &parts[i]
		p.window(set, off)
		off += int(p.want)
		reads[i] = read(&p.set, p.table, p.cols, p.q, p.args, p.scan)
	}
	if tx.parallel && big {
		err = tx.together(reads...)
	} else {
		for _, r := range reads {
			if err = r(tx); err != nil {
				break
			}
		}
	}
	if err != nil {
		return set, err
	}
	set.join(parts, int(nc))
	return set, tx.countedCorrections(set, month, where)
}

// splitRecords is the size of a month from which a read outside a
// transaction reads its parts at once (countedRecords).
var splitRecords = 20000

// joinCopies counts the joins that had to copy (the counts disagreed with
// the rows read); tests check it stays 0 where the counts are kept.
var joinCopies atomic.Int64

// countedPart is one query of countedRecords, read into its own window of
// the set's slices: want records from the count.
type countedPart struct {
	set            countedSet
	table, cols, q string
	args           []any
	scan           func(*countedSet, *sql.Rows) error
	want           int64
}

// window points the part's slices at set's from off on, with room for
// exactly the records counted for it: reading more than that moves them
// elsewhere (append past the capacity), so a part holding exactly want
// records holds them in place.
func (p *countedPart) window(set *countedSet, off int) {
	end := off + int(p.want)
	p.set.records = set.records[off:off:end]
	p.set.info = set.info[off:off:end]
}

// join makes the parts' records the set's (the violations' parts, then the
// praise), closes the runs of violations and praise, and leaves room for
// spare more records. When every part read exactly what was
// counted (always in a transaction) they already lie in place; otherwise
// rows came or went between the count and a read on another connection,
// and the parts are copied together.
func (set *countedSet) join(parts []countedPart, spare int) {
	exact := true
	for i := range parts {
		exact = exact && parts[i].set.n == int(parts[i].want)
	}
	if !exact {
		joinCopies.Add(1)
		n := 0
		for i := range parts {
			n += len(parts[i].set.records)
		}
		set.reserve(n + spare)
	}
	for i := range parts {
		if i == len(parts)-1 {
			set.endRun(scoring.RecordViolation)
		}
		p := &parts[i].set
		if exact {
			set.records = set.records[:len(set.records)+p.n]
			set.info = set.info[:len(set.info)+p.n]
		} else {
			set.records = append(set.records, p.records...)
			set.info = append(set.info, p.info...)
		}
		set.n += p.n
	}
	set.endRun(scoring.RecordPraise)
}

// correctionsCond selects the corrections counted in a month.
const correctionsCond = "correction_month = ? AND state = ?"

// countedCorrections loads the corrections counted in a month: violations
// overturned after their month closed, giving their points back here.
func (tx *Tx) countedCorrections(set *countedSet, month string, where func(string, ...any) (string, []any)) error {
	q, qa := where(correctionsCond, month, ViolationOverturned)
	rows, err := tx.db.Table("violations").Select("id, staff_id, type, severity, occurred_at, inquiry_id, counted_month, correction_points").Where(q, qa...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var vt, sev, carried sql.RawBytes
	var inquiry sql.NullInt64
	var points sql.NullFloat64
	for rows.Next() {
		r := scoring.Record{Kind: scoring.RecordCorrection}
		if err := rows.Scan(&r.ID, &r.StaffID, &vt, &sev, &r.OccurredAt, &inquiry, &carried, &points); err != nil {
			return err
		}
		r.ViolationType, r.Severity = violationTypeOf(vt), severityOf(sev)
		r.CarriedOverFrom = monthOf(carried)
		r.Points = points.Float64
		set.add(&r, recordInfo{inquiryID: inquiry.Int64, state: ViolationOverturned})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	set.endRun(scoring.RecordCorrection)
	return nil
}

// scanPraise reads counted praise row by row.
func (set *countedSet) scanPraise(rows *sql.Rows) error {
	defer rows.Close()
	var kind, carried sql.RawBytes
	var inquiry sql.NullInt64
	for rows.Next() {
		r := scoring.Record{Kind: scoring.RecordPraise}
		if err := rows.Scan(&r.ID, &r.StaffID, &kind, &r.OccurredAt, &inquiry, &carried); err != nil {
			return err
		}
		r.PraiseKind = praiseKindOf(kind)
		r.CarriedOverFrom = monthOf(carried)
		set.add(&r, recordInfo{inquiryID: inquiry.Int64, state: PraiseRecorded})
	}
	return rows.Err()
}

// scanViolations reads counted violations row by row without allocating
// for their enum columns.
func (set *countedSet) scanViolations(rows *sql.Rows) error {
	defer rows.Close()
	var vt, sev, sanction, carried, state sql.RawBytes
	var inquiry sql.NullInt64
	for rows.Next() {
		r := scoring.Record{Kind: scoring.RecordViolation}
		if err := rows.Scan(&r.ID, &r.StaffID, &vt, &sev, &sanction, &r.OccurredAt, &inquiry, &carried, &state); err != nil {
			return err
		}
		r.ViolationType, r.Severity, r.Sanction = violationTypeOf(vt), severityOf(sev), sanctionOf(sanction)
		r.CarriedOverFrom = monthOf(carried)
		set.add(&r, recordInfo{inquiryID: inquiry.Int64, state: violationStateOf(state)})
	}
	return rows.Err()
}

// monthOf parses a stored month; NULL (or anything unreadable) is nil.
func monthOf(b sql.RawBytes) *scoring.Month {
	if len(b) == 0 {
		return nil
	}
	m, err := scoring.ParseMonth(string(b))
	if err != nil {
		return nil
	}
	return &m
}

// The enum readers below map stored text to the package constants, so that
// 200,000 records share a handful of strings instead of allocating each.

func violationTypeOf(b []byte) scoring.ViolationType {
	for _, t := range scoring.AllViolationTypes {
		if string(b) == string(t) {
			return t
		}
	}
	return scoring.ViolationType(b)
}

func severityOf(b []byte) scoring.Severity {
	for _, s := range scoring.AllSeverities {
		if string(b) == string(s) {
			return s
		}
	}
	return scoring.Severity(b)
}

func sanctionOf(b []byte) scoring.Sanction {
	if len(b) == 0 {
		return scoring.SanctionNone
	}
	for _, s := range scoring.AllSanctions {
		if string(b) == string(s) {
			return s
		}
	}
	return scoring.Sanction(b)
}

func praiseKindOf(b []byte) scoring.PraiseKind {
	for _, k := range scoring.AllPraiseKinds {
		if string(b) == string(k) {
			return k
		}
	}
	return scoring.PraiseKind(b)
}

func violationStateOf(b []byte) ViolationState {
	for _, s := range countingStates {
		if string(b) == string(s) {
			return s
		}
	}
	return ViolationState(b)
}

// scoreLive scores people with one call of scoring.ComputeMonth and,
// when withRecords is set, lists the records as they counted.
func scoreLive(rules scoring.RuleSet, people []staffRow, bases map[int64]float64, set *countedSet, withRecords bool) ([]StaffScore, []CountedRecord) {
	if len(people) == 0 {
		return []StaffScore{}, []CountedRecord{}
	}
	persons := make([]scoring.Person, len(people))
	for i, p := range people {
		persons[i] = scoring.Person{StaffID: p.ID, EmployeeNo: p.EmployeeNo, Name: p.Name, DepartmentID: p.DepartmentID}
		if b, ok := bases[p.ID]; ok {
			persons[i].UploadedBase = &b
		}
	}
	results := scoring.ComputeMonth(rules, persons, set.records)
	scores := make([]StaffScore, len(results))
	for i := range results {
		p := &people[i]
		scores[i] = StaffScore{ID: p.ID, EmployeeNo: p.EmployeeNo, Name: p.Name, DepartmentID: p.DepartmentID,
			DepartmentName: p.DepartmentName, Result: results[i]}
	}
	if !withRecords {
		return scores, nil
	}
	// The records list, person by person: each person's records start
	// where the people before them end, so that two halves of the people
	// can be listed at once.
	starts := make([]int, len(scores)+1)
	for i := range scores {
		starts[i+1] = starts[i] + len(scores[i].Items)
	}
	records := make([]CountedRecord, starts[len(scores)])
	list := func(from, to int) {
		for i := from; i < to; i++ {
			for j := range scores[i].Items {
				it := &scores[i].Items[j]
				var inquiry *int64
				var state ViolationState
				if k := set.find(it.Kind, it.RecordID); k >= 0 {
					info := &set.info[k]
					state = info.state
					if info.inquiryID != 0 {
						inquiry = &info.inquiryID
					}
				}
				records[starts[i]+j] = countedRecord(scores[i].ID, it, inquiry, string(state))
			}
		}
	}
	if len(records) < splitRecords {
		list(0, len(scores))
		return scores, records
	}
	var wg sync.WaitGroup
	half := len(scores) / 2
	wg.Go(func() { list(0, half) })
	list(half, len(scores))
	wg.Wait()
	return scores, records
}

// countedRecord lists an applied item of a person's result as a record.
func countedRecord(staffID int64, it *scoring.Item, inquiry *int64, state string) CountedRecord {
	return CountedRecord{
		Kind: it.Kind, ID: it.RecordID, StaffID: staffID, OccurredAt: it.OccurredAt,
		ViolationType: it.ViolationType, Severity: it.Severity, Sanction: it.Sanction, PraiseKind: it.PraiseKind,
		Points: it.Points, RawPoints: it.RawPoints, Capped: it.Capped, InquiryID: inquiry, State: state,
		CarriedOverFrom: it.CarriedOverFrom, Reason: it.Reason,
	}
}
