package models

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"firstask/scoring"
)

// uploadFixture is an organisation of two departments with five staff,
// one of them inactive, and an HR actor.
type uploadFixture struct {
	s     *Store
	hr    Actor
	sup   Actor
	staff map[string]Staff // by employee number
	depts map[string]Department
}

var oct2026 = scoring.Month{Year: 2026, Mon: time.October}

func newUploadFixture(t *testing.T) *uploadFixture {
	t.Helper()
	s := openStore(t)
	ctx := context.Background()
	f := &uploadFixture{s: s, staff: map[string]Staff{}, depts: map[string]Department{}}
	for _, code := range []string{"A", "B"} {
		d, err := s.CreateDepartment(ctx, System("t"), DepartmentInput{Code: ptr(code), Name: ptr("部门" + code)})
		if err != nil {
			t.Fatal(err)
		}
		f.depts[code] = d
	}
	for _, p := range []struct {
		no, name, dept string
		role           Role
		active         bool
	}{
		{"H01", "人事甲", "A", RoleHR, true},
		{"S01", "主管乙", "A", RoleSupervisor, true},
		{"1001", "张三", "A", RoleStaff, true},
		{"1002", "李四", "B", RoleStaff, true},
		{"1003", "王五", "B", RoleStaff, false},
	} {
		cs, err := s.CreateStaff(ctx, System("t"), StaffInput{EmployeeNo: ptr(p.no), Name: ptr(p.name),
			DepartmentID: ptr(f.depts[p.dept].ID), Role: ptr(p.role), Active: ptr(p.active), Password: ptr("password-1")})
		if err != nil {
			t.Fatal(err)
		}
		f.staff[p.no] = cs.Staff
	}
	f.hr = Actor{StaffID: f.staff["H01"].ID, Role: RoleHR, DepartmentID: f.depts["A"].ID, RequestID: "r"}
	f.sup = Actor{StaffID: f.staff["S01"].ID, Role: RoleSupervisor, DepartmentID: f.depts["A"].ID, RequestID: "r"}
	return f
}

func (f *uploadFixture) counts(t *testing.T) (uploads, results, audits int64) {
	t.Helper()
	f.s.db.Model(&ResultUpload{}).Count(&uploads)
	f.s.db.Model(&BaseResult{}).Count(&results)
	f.s.db.Model(&AuditEntry{}).Where("entity = ?", "result_upload").Count(&audits)
	return
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid {
		t.Fatalf("err %v, want an invalid error with problems", err)
	}
	out := make([]Problem, len(e.Details))
	for i, d := range e.Details {
		out[i] = d.(Problem)
	}
	return out
}

func TestReplaceBaseResults(t *testing.T) {
	ctx := context.Background()
	f := newUploadFixture(t)

	t.Run("OK", func(t *testing.T) {
		sum, err := f.s.ReplaceBaseResults(ctx, f.hr, oct2026, `C:\fakepath\十月.xlsx`, []BaseResultInput{
			{Row: 2, EmployeeNo: " 1001 ", Name: "张　三", Score: 96.456, Note: " 良好 "},
			{Row: 3, EmployeeNo: "１００２", Name: " 李四", Score: 0},
		})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rows != 2 || sum.ReplacedUploadID != nil || sum.ReplacedRows != 0 || sum.Month != "2026-10" {
			t.Fatalf("summary %+v", sum)
		}
		rows, err := f.s.BaseResultsOf(ctx, f.hr, sum.UploadID)
		if err != nil || len(rows) != 2 {
			t.Fatalf("rows %+v %v", rows, err)
		}
		if rows[0].StaffID != f.staff["1001"].ID || rows[0].Score != 96.46 || rows[0].Note != "良好" || rows[0].RowNo != 2 {
			t.Fatalf("row 0 %+v", rows[0])
		}
		ups, total, err := f.s.ListResultUploads(ctx, f.hr, oct2026, Page{1, 10})
		if err != nil || total != 1 || ups[0].Filename != "十月.xlsx" || !ups[0].Current || ups[0].UploadedByName != "人事甲" {
			t.Fatalf("history %+v %d %v", ups, total, err)
		}
	})

	t.Run("ReuploadReplacesAndKeepsHistory", func(t *testing.T) {
		sum, err := f.s.ReplaceBaseResults(ctx, f.hr, oct2026, "again.xlsx", []BaseResultInput{{Row: 2, EmployeeNo: "1002", Name: "李四", Score: 88}})
		if err != nil {
			t.Fatal(err)
		}
		if sum.ReplacedUploadID == nil || sum.ReplacedRows != 2 || sum.Rows != 1 {
			t.Fatalf("summary %+v", sum)
		}
		ups, total, _ := f.s.ListResultUploads(ctx, f.hr, oct2026, Page{1, 10})
		if total != 2 || !ups[0].Current || ups[1].Current || ups[1].SupersededAt == nil || *ups[0].ReplacedUploadID != ups[1].ID {
			t.Fatalf("history %+v", ups)
		}
		old, _ := f.s.BaseResultsOf(ctx, f.hr, ups[1].ID)
		if len(old) != 2 {
			t.Fatalf("the superseded upload must keep its rows: %+v", old)
		}
		err = f.s.read(ctx, f.hr, func(tx *Tx) error {
			bases, err := tx.uploadedBases(oct2026)
			if len(bases) != 1 || bases[f.staff["1002"].ID].Score != 88 {
				t.Fatalf("current bases %+v", bases)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ErrEveryProblemAndNothingWritten", func(t *testing.T) {
		u0, r0, a0 := f.counts(t)
		_, err := f.s.ReplaceBaseResults(ctx, f.hr, oct2026, "bad.xlsx", []BaseResultInput{
			{Row: 2, EmployeeNo: "9999", Name: "无名", Score: 90},                                 // unknown
			{Row: 3, EmployeeNo: "1001", Name: "张四", Score: 90},                                 // name mismatch
			{Row: 4, EmployeeNo: "1003", Name: "王五", Score: 90},                                 // inactive
			{Row: 5, EmployeeNo: "1002", Name: "李四", Score: 101},                                // out of range
			{Row: 6, EmployeeNo: "1002", Name: "李四", Score: 80},                                 // duplicate of row 5
			{Row: 7, EmployeeNo: "", Name: "", Score: math.NaN()},                               // missing number, bad score
			{Row: 8, EmployeeNo: "1001", Name: "张三", Score: -1},                                 // negative, and a duplicate of row 3
			{Row: 9, EmployeeNo: "S01", Name: "主管乙", Score: 95, Note: strings.Repeat("长", 501)}, // long note
		})
		ps := problemsOf(t, err)
		want := []struct {
			row int
			col string
		}{{2, ColEmployeeNo}, {3, ColName}, {4, ColEmployeeNo}, {5, ColScore}, {6, ColEmployeeNo}, {7, ColEmployeeNo}, {7, ColScore}, {8, ColEmployeeNo}, {8, ColScore}, {9, ColNote}}
		if len(ps) != len(want) {
			t.Fatalf("problems %+v", ps)
		}
		for i, w := range want {
			if ps[i].Row != w.row || ps[i].Column != w.col || ps[i].Message == "" {
				t.Errorf("problem %d = %+v, want row %d column %s", i, ps[i], w.row, w.col)
			}
		}
		if u1, r1, a1 := f.counts(t); u1 != u0 || r1 != r0 || a1 != a0 {
			t.Fatalf("a refused file wrote something: uploads %d→%d, results %d→%d, audit %d→%d", u0, u1, r0, r1, a0, a1)
		}
	})

	t.Run("ErrEmpty", func(t *testing.T) {
		if ps := problemsOf(t, func() error { _, err := f.s.ReplaceBaseResults(ctx, f.hr, oct2026, "x", nil); return err }()); len(ps) != 1 {
			t.Fatalf("problems %+v", ps)
		}
	})

	t.Run("ErrNotHR", func(t *testing.T) {
		_, err := f.s.ReplaceBaseResults(ctx, f.sup, oct2026, "x", []BaseResultInput{{Row: 2, EmployeeNo: "1001", Name: "张三", Score: 1}})
		if ErrorCode(err) != EForbidden {
			t.Fatalf("supervisor upload: %v", err)
		}
	})

	t.Run("ErrClosedMonth", func(t *testing.T) {
		sep := scoring.Month{Year: 2026, Mon: time.September}
		now := f.s.Now()
		if err := f.s.db.Create(&Period{Month: sep.String(), State: PeriodClosed, OpenedAt: now, ClosedAt: &now}).Error; err != nil {
			t.Fatal(err)
		}
		u0, r0, _ := f.counts(t)
		_, err := f.s.ReplaceBaseResults(ctx, f.hr, sep, "x", []BaseResultInput{{Row: 2, EmployeeNo: "1001", Name: "张三", Score: 1}})
		if ErrorCode(err) != EConflict {
			t.Fatalf("closed month: %v", err)
		}
		if u1, r1, _ := f.counts(t); u1 != u0 || r1 != r0 {
			t.Fatal("a closed month took an upload")
		}
	})
}

// TestReplaceBaseResultsConcurrent uploads the same month from many
// goroutines: exactly one upload stays current and the history is a chain.
func TestReplaceBaseResultsConcurrent(t *testing.T) {
	ctx := context.Background()
	f := newUploadFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.ReplaceBaseResults(ctx, f.hr, oct2026, fmt.Sprintf("f%d.xlsx", i),
				[]BaseResultInput{{Row: 2, EmployeeNo: "1001", Name: "张三", Score: float64(90 + i)}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ups, total, err := f.s.ListResultUploads(ctx, f.hr, oct2026, Page{1, 50})
	if err != nil || total != 8 {
		t.Fatalf("%d uploads, %v", total, err)
	}
	current := 0
	for i, u := range ups {
		if u.Current {
			current++
		}
		if i+1 < len(ups) && (u.ReplacedUploadID == nil || *u.ReplacedUploadID != ups[i+1].ID) {
			t.Fatalf("upload %d replaced %v, want %d", u.ID, u.ReplacedUploadID, ups[i+1].ID)
		}
	}
	if current != 1 {
		t.Fatalf("%d current uploads, want 1", current)
	}
}

func TestResultsTemplate(t *testing.T) {
	ctx := context.Background()
	f := newUploadFixture(t)
	if _, err := f.s.ReplaceBaseResults(ctx, f.hr, oct2026, "x", []BaseResultInput{{Row: 2, EmployeeNo: "1002", Name: "李四", Score: 91.5, Note: "n"}}); err != nil {
		t.Fatal(err)
	}
	rows, err := f.s.ResultsTemplate(ctx, f.hr, oct2026, 0)
	if err != nil {
		t.Fatal(err)
	}
	var nos []string
	for _, r := range rows {
		nos = append(nos, r.EmployeeNo)
	}
	if strings.Join(nos, ",") != "1001,H01,S01,1002" {
		t.Fatalf("rows %v: want active staff by department code then number", nos)
	}
	if last := rows[3]; last.Score == nil || *last.Score != 91.5 || last.Note != "n" || last.DepartmentCode != "B" || last.DepartmentName != "部门B" {
		t.Fatalf("prefilled row %+v", last)
	}
	if rows[0].Score != nil {
		t.Fatalf("row without an upload %+v", rows[0])
	}
	onlyB, err := f.s.ResultsTemplate(ctx, f.hr, oct2026, f.depts["B"].ID)
	if err != nil || len(onlyB) != 1 {
		t.Fatalf("department B: %+v %v", onlyB, err)
	}
	sup, err := f.s.ResultsTemplate(ctx, f.sup, oct2026, 0)
	if err != nil || len(sup) != 3 {
		t.Fatalf("supervisor of A: %+v %v", sup, err)
	}
	if _, err := f.s.ResultsTemplate(ctx, f.sup, oct2026, f.depts["B"].ID); ErrorCode(err) != ENotFound {
		t.Fatalf("supervisor asking for B: %v", err)
	}
	staff := Actor{StaffID: f.staff["1001"].ID, Role: RoleStaff, DepartmentID: f.depts["A"].ID}
	if _, err := f.s.ResultsTemplate(ctx, staff, oct2026, 0); ErrorCode(err) != EForbidden {
		t.Fatalf("staff: %v", err)
	}
}

func TestSameName(t *testing.T) {
	for _, c := range []struct {
		file, record string
		want         bool
	}{
		{"张三", "张三", true},
		{" 张三　", "张三", true},
		{"张　三", "张三", true},
		{"ＪＯＨＮ　Smith", "john smith", true},
		{"张三", "张叁", false},
		{"", "张三", false},
	} {
		if got := sameName(c.file, c.record); got != c.want {
			t.Errorf("sameName(%q, %q) = %v", c.file, c.record, got)
		}
	}
}

func TestNormalizeCell(t *testing.T) {
	for in, want := range map[string]string{
		"1001": "1001", " 1001 ": "1001", "１００１": "1001", "a  b": "a b", "a b": "a b",
		"\u3000张三\u00a0": "张三", "": "", " ": "", "A-7": "A-7", "x\ty": "x y",
	} {
		if got := NormalizeCell(in); got != want {
			t.Errorf("NormalizeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// streamRows sends rows in batches of size on a channel from another
// goroutine, as the upload handler's reader does, and closes it.
func streamRows(rows []BaseResultInput, size int) <-chan []BaseResultInput {
	ch := make(chan []BaseResultInput)
	go func() {
		defer close(ch)
		for len(rows) > 0 {
			n := min(size, len(rows))
			ch <- rows[:n]
			rows = rows[n:]
		}
	}()
	return ch
}

// TestReplaceBaseResultsAsRead takes rows in batches while they are
// "read": a rerun after a conflict in the middle takes them all again,
// once; a person twice in different batches is refused; a reader that
// fails at the end undoes everything.
func TestReplaceBaseResultsAsRead(t *testing.T) {
	f := newUploadFixture(t)
	ctx := context.Background()
	rows := []BaseResultInput{
		{Row: 2, EmployeeNo: "1001", Name: "张三", Score: 90},
		{Row: 3, EmployeeNo: "1002", Score: 85.5},
		{Row: 4, EmployeeNo: "S01", Score: 77},
		{Row: 5, EmployeeNo: "H01", Score: 66},
	}

	t.Run("RerunMidway", func(t *testing.T) {
		defer func() { afterResultsBatch = nil }()
		conflicts := 0
		afterResultsBatch = func(received int) error {
			if received == 2 && conflicts == 0 {
				conflicts++
				return errRerun // as a statement cut short by the cluster would
			}
			return nil
		}
		sum, err := f.s.ReplaceBaseResultsAsRead(ctx, f.hr, oct2026, "a.xlsx", streamRows(rows, 1), func() error { return nil })
		if err != nil || sum.Rows != 4 || conflicts != 1 {
			t.Fatalf("summary %+v, err %v, conflicts %d; want 4 rows after one rerun", sum, err, conflicts)
		}
		uploads, results, audits := f.counts(t)
		if uploads != 1 || results != 4 || audits != 1 {
			t.Fatalf("uploads %d, results %d, audit entries %d; want 1, 4, 1", uploads, results, audits)
		}
		var up ResultUpload
		if err := f.s.db.First(&up, sum.UploadID).Error; err != nil || up.RowCount != 4 {
			t.Fatalf("upload row %+v (%v), want row_count 4", up, err)
		}
	})

	t.Run("DuplicateAcrossBatches", func(t *testing.T) {
		dup := append(rows[:2:2], BaseResultInput{Row: 9, EmployeeNo: "1001", Score: 50})
		_, err := f.s.ReplaceBaseResultsAsRead(ctx, f.hr, oct2026, "b.xlsx", streamRows(dup, 2), func() error { return nil })
		ps := problemsOf(t, err)
		if len(ps) != 1 || ps[0].Row != 9 || ps[0].Reason != ReasonDuplicate {
			t.Fatalf("problems %+v, want the duplicate on row 9", ps)
		}
		if uploads, results, _ := f.counts(t); uploads != 1 || results != 4 {
			t.Fatalf("uploads %d, results %d after a refused file; want 1 and 4 (unchanged)", uploads, results)
		}
	})

	t.Run("ReaderFails", func(t *testing.T) {
		bad := errors.New("the file broke off")
		_, err := f.s.ReplaceBaseResultsAsRead(ctx, f.hr, oct2026, "c.xlsx", streamRows(rows, 3), func() error { return bad })
		if !errors.Is(err, bad) {
			t.Fatalf("err %v, want the reader's", err)
		}
		if uploads, results, audits := f.counts(t); uploads != 1 || results != 4 || audits != 1 {
			t.Fatalf("uploads %d, results %d, audits %d after a failed read; want 1, 4, 1 (unchanged)", uploads, results, audits)
		}
	})
}
