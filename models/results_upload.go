package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"firstask/scoring"
)

// Limits of an uploaded base result.
const (
	MinBaseScore      = 0
	MaxBaseScore      = 100
	MaxResultNoteLen  = 500 // characters, the width of base_results.note
	MaxUploadFilename = 255
)

// BaseResultInput is one row of an uploaded results file, as read by the
// workbook parser: Row is the spreadsheet row number, for problems.
type BaseResultInput struct {
	Row        int
	EmployeeNo string
	Name       string
	Score      float64
	Note       string
}

// UploadSummary is the answer to a successful results upload: the new
// upload and what it replaced (the replaced upload stays in history).
type UploadSummary struct {
	UploadID         int64  `json:"upload_id"`
	Month            string `json:"month"`
	Rows             int    `json:"rows"`
	ReplacedUploadID *int64 `json:"replaced_upload_id"`
	ReplacedRows     int    `json:"replaced_rows"`
}

// staffKey is what the upload checks need to know about a staff member.
type staffKey struct {
	ID           int64
	EmployeeNo   string
	Name         string
	DepartmentID int64
	Active       bool
	Appraised    bool
}

// staffDirectory looks staff up by employee number: exactly first, then
// ignoring case (MySQL's collation already ignores it; SQLite's does not,
// so the store decides in Go for both). The case-folded index is built
// only when an exact lookup first misses.
type staffDirectory struct {
	staff []staffKey
	exact map[string]int
	fold  map[string]int
}

// loadStaffDirectory reads every staff member's key fields in one query;
// even 100,000 staff are a few megabytes, cheaper than thousands of
// lookups. The rows are scanned by hand: gorm's reflection would cost more
// than the query.
func (tx *Tx) loadStaffDirectory() (*staffDirectory, error) {
	var n int64
	if err := tx.db.Table("staff").Count(&n).Error; err != nil {
		return nil, err
	}
	d := &staffDirectory{staff: make([]staffKey, 0, n), exact: make(map[string]int, n)}
	rows, err := tx.db.Raw("SELECT id, employee_no, name, department_id, active, appraised FROM staff").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k staffKey
		if err := rows.Scan(&k.ID, &k.EmployeeNo, &k.Name, &k.DepartmentID, &k.Active, &k.Appraised); err != nil {
			return nil, err
		}
		d.exact[k.EmployeeNo] = len(d.staff)
		d.staff = append(d.staff, k)
	}
	return d, rows.Err()
}

func (d *staffDirectory) lookup(employeeNo string) (staffKey, bool) {
	if i, ok := d.exact[employeeNo]; ok {
		return d.staff[i], true
	}
	if d.fold == nil {
		d.fold = make(map[string]int, len(d.staff))
		for i, k := range d.staff {
			d.fold[strings.ToLower(k.EmployeeNo)] = i
		}
	}
	i, ok := d.fold[strings.ToLower(employeeNo)]
	if !ok {
		return staffKey{}, false
	}
	return d.staff[i], true
}

// ReplaceBaseResults takes a month's uploaded base results in one
// transaction: every row is checked against the staff on record and either
// all are taken or none. The month's previous upload, if any, is marked
// superseded and stays in history. Problems come back together as an
// EInvalid error whose details are Problems; a closed month is a conflict.
func (s *Store) ReplaceBaseResults(ctx context.Context, a Actor, month scoring.Month, filename string, rows []BaseResultInput) (UploadSummary, error) {
	batches := make(chan []BaseResultInput, 1)
	batches <- rows
	close(batches)
	return s.ReplaceBaseResultsAsRead(ctx, a, month, filename, batches, func() error { return nil })
}

// afterResultsBatch, when set (tests), runs after each batch an upload's
// transaction took, with the number of rows received so far; an error
// from it fails the attempt (a conflict: rerun).
var afterResultsBatch func(received int) error

// ReplaceBaseResultsAsRead is ReplaceBaseResults for a file still being
// read: its rows come in batches on batches, which the reader closes when
// it is done, and are checked and inserted as they come, in the one
// transaction, while the rest is read; readErr, asked once batches is
// closed, says whether the reading failed, and an error from it undoes
// everything and is returned. So the database's work overlaps the
// parsing instead of following it (docs/decisions.md). The transaction is
// open while the file is read: on SQLite other writers wait for it (a
// 10,000-row upload holds it about a third of a second). Batches are kept
// as they come, so that a rerun after a conflict takes them again.
func (s *Store) ReplaceBaseResultsAsRead(ctx context.Context, a Actor, month scoring.Month, filename string, batches <-chan []BaseResultInput, readErr func() error) (UploadSummary, error) {
	filename = cleanFilename(filename)
	var (
		sum  UploadSummary
		got  []BaseResultInput // every row received, for a rerun
		open = true
	)
	err := s.write(ctx, a, func(tx *Tx) error {
		if err := checkResultsUploader(a, month); err != nil {
			return err
		}
		// The month's lock first (see lockPeriod): two uploads, or an
		// upload and the closing of the month, happen one after the other.
		p, err := tx.lockPeriod(month)
		if err != nil {
			return err
		}
		if p.State == PeriodClosed {
			return closedMonthError(month)
		}
		dir, err := tx.loadStaffDirectory()
		if err != nil {
			return err
		}
		prev, err := tx.currentUpload(month)
		if err != nil {
			return err
		}
		up := ResultUpload{Month: month.String(), Filename: filename, UploadedBy: a.StaffID, UploadedAt: tx.now}
		if prev != nil {
			id := prev.ID
			up.ReplacedUploadID = &id
			res := tx.db.Model(&ResultUpload{}).Where("id = ? AND superseded_at IS NULL", prev.ID).Update("superseded_at", tx.now)
			if res.Error != nil {
				return res.Error
			}
			tx.audit("result_upload.supersede", "result_upload", prev.ID,
				map[string]any{"month": prev.Month, "rows": prev.RowCount}, map[string]any{"superseded_at": rfc3339ms(tx)})
		}
		if err := tx.db.Create(&up).Error; err != nil {
			return err
		}
		check := newBaseResultsCheck(dir)
		insert := tx.baseResultsInsert()
		// next gives the rows of an earlier attempt first (a rerun), then
		// each batch as it comes; false once the reader has closed batches.
		replayed := 0
		next := func() ([]BaseResultInput, bool) {
			if replayed < len(got) {
				batch := got[replayed:]
				replayed = len(got)
				return batch, true
			}
			if !open {
				return nil, false
			}
			batch, ok := <-batches
			if !ok {
				open = false
				return nil, false
			}
			got = append(got, batch...)
			replayed = len(got)
			return batch, true
		}
		for batch, ok := next(); ok; batch, ok = next() {
			taken := check.add(batch)
			if len(check.problems) > 0 {
				continue // nothing will be taken; the rest is still checked
			}
			for _, r := range taken {
				if err := insert.add(up.ID, up.Month, r.StaffID, r.Score, r.Note, r.RowNo); err != nil {
					return err
				}
			}
			if afterResultsBatch != nil {
				if err := afterResultsBatch(len(got)); err != nil {
					return err
				}
			}
		}
		if err := readErr(); err != nil {
			return err
		}
		if len(got) == 0 {
			var pl problemList
			pl.add(0, "", "", ReasonNoRows)
			return pl.err()
		}
		if err := check.problems.err(); err != nil {
			return err
		}
		if err := insert.flush(); err != nil {
			return err
		}
		up.RowCount = len(check.taken)
		if err := tx.db.Model(&ResultUpload{}).Where("id = ?", up.ID).Update("row_count", up.RowCount).Error; err != nil {
			return err
		}
		sum = UploadSummary{UploadID: up.ID, Month: up.Month, Rows: up.RowCount, ReplacedUploadID: up.ReplacedUploadID}
		if prev != nil {
			sum.ReplacedRows = prev.RowCount
		}
		tx.audit("result_upload.create", "result_upload", up.ID, nil, map[string]any{
			"month": up.Month, "filename": up.Filename, "rows": up.RowCount,
			"replaced_upload_id": up.ReplacedUploadID, "content_sha256": baseResultsDigest(check.taken),
		})
		return nil
	})
	return sum, err
}

// baseResultsInsert writes base results with multi-row INSERTs (see
// bulkInsert): their ids are never needed, and gorm's reflection and
// RETURNING scan would cost more than the database does at 10,000 rows.
// Values: upload_id, month, staff_id, score, note, row_no.
func (tx *Tx) baseResultsInsert() *bulkInsert {
	return newBulkInsert(tx, "base_results", "upload_id", "month", "staff_id", "score", "note", "row_no")
}

func rfc3339ms(tx *Tx) string { return tx.now.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// checkBaseResults checks every row against the directory and returns the
// rows to insert, or every problem found. An empty name is not compared:
// the name column is optional.
func checkBaseResults(dir *staffDirectory, rows []BaseResultInput) ([]BaseResult, problemList) {
	c := newBaseResultsCheck(dir)
	c.add(rows)
	return c.taken, c.problems
}

// baseResultsCheck checks rows against the directory a batch at a time,
// remembering across batches whom it has seen (a person twice is a
// problem) and what it has taken.
type baseResultsCheck struct {
	dir      *staffDirectory
	firstRow map[int64]int
	taken    []BaseResult
	problems problemList
}

func newBaseResultsCheck(dir *staffDirectory) *baseResultsCheck {
	return &baseResultsCheck{dir: dir, firstRow: map[int64]int{}}
}

// add checks rows and returns those of them taken (UploadID and Month
// left to the caller).
func (c *baseResultsCheck) add(rows []BaseResultInput) []BaseResult {
	from := len(c.taken)
	for _, r := range rows {
		before := len(c.problems)
		no := NormalizeCell(r.EmployeeNo)
		var k staffKey
		if no == "" {
			c.problems.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonMissing, "employee number")
		} else if found, ok := c.dir.lookup(no); !ok {
			c.problems.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonUnknownEmployee, no)
		} else if !found.Active {
			c.problems.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonInactiveStaff, found.EmployeeNo, found.Name)
		} else if !found.Appraised {
			c.problems.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonNotAppraised, found.EmployeeNo, found.Name)
		} else {
			k = found
			if strings.TrimSpace(r.Name) != "" && !sameName(r.Name, k.Name) {
				c.problems.add(r.Row, ColName, r.Name, ReasonNameMismatch, k.EmployeeNo, k.Name, NormalizeCell(r.Name))
			}
			if first, dup := c.firstRow[k.ID]; dup {
				c.problems.add(r.Row, ColEmployeeNo, r.EmployeeNo, ReasonDuplicate, k.EmployeeNo, first)
			} else {
				c.firstRow[k.ID] = r.Row
			}
		}
		if math.IsNaN(r.Score) || r.Score < MinBaseScore || r.Score > MaxBaseScore {
			c.problems.add(r.Row, ColScore, strconv.FormatFloat(r.Score, 'f', -1, 64), ReasonScoreRange, MinBaseScore, MaxBaseScore)
		}
		note := strings.TrimSpace(r.Note)
		if utf8.RuneCountInString(note) > MaxResultNoteLen {
			c.problems.add(r.Row, ColNote, clipRunes(note, 40), ReasonTooLong, "note", MaxResultNoteLen)
		}
		if len(c.problems) == before {
			// Two decimals: what MySQL's DECIMAL(6,2) keeps, so both
			// databases hold the same figure.
			c.taken = append(c.taken, BaseResult{StaffID: k.ID, RowNo: r.Row, Score: math.Round(r.Score*100) / 100, Note: note})
		}
	}
	return c.taken[from:]
}

// CheckBaseResults runs the checks of ReplaceBaseResults without writing
// anything and returns the problems found (nil when none). The api calls
// it when the workbook parser already refused some rows, so that the
// answer lists every problem of the file at once; a closed month is still
// a conflict.
func (s *Store) CheckBaseResults(ctx context.Context, a Actor, month scoring.Month, rows []BaseResultInput) ([]Problem, error) {
	var out []Problem
	err := s.read(ctx, a, func(tx *Tx) error {
		if err := checkResultsUploader(a, month); err != nil {
			return err
		}
		closed, err := tx.monthClosed(month)
		if err != nil {
			return err
		}
		if closed {
			return closedMonthError(month)
		}
		dir, err := tx.loadStaffDirectory()
		if err != nil {
			return err
		}
		_, out = checkBaseResults(dir, rows)
		return nil
	})
	return out, err
}

func closedMonthError(m scoring.Month) error {
	return &Error{Code: EConflict, Message: fmt.Sprintf("the month %s is closed; its results can no longer change", m),
		Details: []any{FieldProblem{Field: "month", Message: "is closed"}}}
}

// baseResultsDigest is a SHA-256 over the rows taken, kept in the audit
// entry so that the uploaded figures are covered by the audit chain.
func baseResultsDigest(rows []BaseResult) string {
	sorted := make([]BaseResult, len(rows))
	copy(sorted, rows)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].StaffID < sorted[j].StaffID })
	h := sha256.New()
	for _, r := range sorted {
		fmt.Fprintf(h, "%d\x1f%.2f\x1f%s\x1e", r.StaffID, r.Score, r.Note)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func cleanFilename(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	return clipRunes(name, MaxUploadFilename/4) // utf8mb4: 4 bytes a character at worst
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// ResultUploadView is an upload in the month's history, with who made it
// and whether it is the one in force.
type ResultUploadView struct {
	ResultUpload
	UploadedByName string `json:"uploaded_by_name"`
	Current        bool   `json:"current"`
}

// ListResultUploads returns a month's upload history, newest first.
func (s *Store) ListResultUploads(ctx context.Context, a Actor, month scoring.Month, p Page) ([]ResultUploadView, int64, error) {
	var out []ResultUploadView
	var total int64
	err := s.read(ctx, a, func(tx *Tx) error {
		if err := onlyHR(a, "see the upload history"); err != nil {
			return err
		}
		q := tx.db.Model(&ResultUpload{}).Where("month = ?", month.String())
		if err := q.Count(&total).Error; err != nil {
			return err
		}
		var ups []ResultUpload
		if err := q.Order("id DESC").Offset(p.Offset()).Limit(p.Size).Find(&ups).Error; err != nil {
			return err
		}
		ids := make([]int64, 0, len(ups))
		for _, u := range ups {
			ids = append(ids, u.UploadedBy)
		}
		names := map[int64]string{}
		if len(ids) > 0 {
			var ns []struct {
				ID   int64
				Name string
			}
			if err := tx.db.Table("staff").Select("id, name").Where("id IN ?", ids).Find(&ns).Error; err != nil {
				return err
			}
			for _, n := range ns {
				names[n.ID] = n.Name
			}
		}
		for _, u := range ups {
			out = append(out, ResultUploadView{ResultUpload: u, UploadedByName: names[u.UploadedBy], Current: u.SupersededAt == nil})
		}
		return nil
	})
	return out, total, err
}

// BaseResultsOf returns the rows of one upload, in file order.
func (s *Store) BaseResultsOf(ctx context.Context, a Actor, uploadID int64) ([]BaseResult, error) {
	var out []BaseResult
	err := s.read(ctx, a, func(tx *Tx) error {
		if err := onlyHR(a, "see uploaded results"); err != nil {
			return err
		}
		return tx.db.Where("upload_id = ?", uploadID).Order("row_no").Find(&out).Error
	})
	return out, err
}
