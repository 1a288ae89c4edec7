package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"firstask/models"
)

type previewOutcomeBody struct {
	Final                 float64 `json:"final"`
	Grade                 string  `json:"grade"`
	HighestSanction       string  `json:"highest_sanction"`
	BonusDeductionPercent float64 `json:"bonus_deduction_percent"`
}

type previewChangeBody struct {
	StaffID        int64              `json:"staff_id"`
	EmployeeNo     string             `json:"employee_no"`
	DepartmentName string             `json:"department_name"`
	Before         previewOutcomeBody `json:"before"`
	After          previewOutcomeBody `json:"after"`
	FinalChange    float64            `json:"final_change"`
}

type monthPreviewBody struct {
	Month               string         `json:"month"`
	Closed              bool           `json:"closed"`
	RuleVersion         int64          `json:"rule_version"`
	People              int            `json:"people"`
	Changed             int            `json:"changed"`
	GradesBefore        map[string]int `json:"grades_before"`
	GradesAfter         map[string]int `json:"grades_after"`
	BonusWithheldBefore float64        `json:"bonus_withheld_before"`
	BonusWithheldAfter  float64        `json:"bonus_withheld_after"`
	Departments         []struct {
		DepartmentID   int64   `json:"department_id"`
		DepartmentName string  `json:"department_name"`
		Headcount      int     `json:"headcount"`
		AverageBefore  float64 `json:"average_before"`
		AverageAfter   float64 `json:"average_after"`
	} `json:"departments"`
	Unapplied []string            `json:"unapplied"`
	Changes   []previewChangeBody `json:"changes"`
}

type rulePreviewBody struct {
	Months   []monthPreviewBody `json:"months"`
	Page     int                `json:"page"`
	PageSize int                `json:"page_size"`
}

// whatIfRules is the question of issue 18: "what if verbal warnings lose 3
// points instead of 2 and the praise cap drops to 8?". The rule set prices a
// violation by type and severity, not by sanction (docs/scoring.md), so the
// 2-point types lose 3.
func whatIfRules(t testing.TB) map[string]any {
	r := defaultRulesJSON(t)
	points := r["points"].(map[string]any)
	for _, typ := range []string{"late_referral", "late_contact", "no_feedback", "other"} {
		points[typ] = 3
	}
	r["praise_cap"] = 8
	return r
}

// replayExamples records docs/domain.md §3's people A–E in October 2026 (and
// D's two earlier violations in September), as TestWorkedExamples does.
func replayExamples(e *testEnv) {
	e.t.Helper()
	for _, p := range []string{"pA", "pB", "pC", "pD", "pE"} {
		e.addPerson(p, "B")
	}
	e.insertBases("2026-10", map[string]float64{"pA": 96, "pD": 98, "pE": 60})
	oct := func(day, hour int) time.Time { return shAt(2026, time.October, day, hour) }
	violation := func(person, typ, severity string, when time.Time) {
		e.t.Helper()
		e.verify("hr", e.report("supB", person, typ, severity, when).ID)
	}
	october := e.clock.Now()
	e.moveClock(shAt(2026, time.September, 25, 15))
	violation("pD", "late_referral", "minor", shAt(2026, time.September, 8, 10))
	violation("pD", "no_feedback", "minor", shAt(2026, time.September, 22, 15))
	e.moveClock(october)
	violation("pA", "late_referral", "minor", oct(2, 10))
	violation("pA", "rude_or_forbidden_phrase", "ordinary", oct(9, 11))
	e.praise("supB", "pA", "visitor_commendation", oct(10, 9))
	e.praise("hr", "pA", "supervisor_praise", oct(12, 16))
	for day := 1; day <= 6; day++ {
		e.praise("supB", "pB", "supervisor_praise", oct(day, 14))
	}
	violation("pC", "buck_passing", "serious", oct(7, 10))
	violation("pD", "incomplete_record", "minor", oct(5, 10))
	violation("pE", "late_contact", "serious", oct(1, 10))
	violation("pE", "cold_or_uninformed", "serious", oct(2, 10))
	violation("pE", "buck_passing", "ordinary", oct(3, 10))
	violation("pE", "rude_or_forbidden_phrase", "serious", oct(4, 10))
}

// preview asks for a preview as user.
func (e *testEnv) preview(user, query string, rules map[string]any, months ...string) rulePreviewBody {
	e.t.Helper()
	var out rulePreviewBody
	e.as(user, "POST", "/api/v1/rules/preview"+query, map[string]any{"rules": rules, "months": months}).want(http.StatusOK).decode(&out)
	return out
}

func outcomeOfScore(s scoreBody) previewOutcomeBody {
	return previewOutcomeBody{Final: s.Final, Grade: s.Grade, HighestSanction: s.HighestSanction, BonusDeductionPercent: s.BonusDeductionPercent}
}

// checkPreviewMatches checks a month's preview against the month's scores
// before and after the draft took effect: every changed person's before and
// after, every unchanged person the same on both sides, and the grade
// distribution, bonus total and department averages of both sides.
func checkPreviewMatches(t *testing.T, p monthPreviewBody, before, after map[string]scoreBody) {
	t.Helper()
	if p.People != len(before) || len(before) != len(after) {
		t.Fatalf("%s: %d people previewed, %d before, %d after", p.Month, p.People, len(before), len(after))
	}
	changed := map[string]previewChangeBody{}
	for _, c := range p.Changes {
		changed[c.EmployeeNo] = c
	}
	if len(changed) != p.Changed {
		t.Fatalf("%s: %d changes listed, changed = %d", p.Month, len(changed), p.Changed)
	}
	grades := func(m map[string]scoreBody) map[string]int {
		out := map[string]int{"A": 0, "B": 0, "C": 0, "D": 0}
		for _, s := range m {
			out[s.Grade]++
		}
		return out
	}
	bonus := func(m map[string]scoreBody) (sum float64) {
		for _, s := range m {
			sum += s.BonusDeductionPercent
		}
		return sum
	}
	for no, b := range before {
		a := after[no]
		c, ok := changed[no]
		switch {
		case ok && (c.Before != outcomeOfScore(b) || c.After != outcomeOfScore(a)):
			t.Errorf("%s %s: preview %+v → %+v, month shows %+v → %+v", p.Month, no, c.Before, c.After, outcomeOfScore(b), outcomeOfScore(a))
		case ok && c.FinalChange != a.Final-b.Final:
			t.Errorf("%s %s: final_change %v, want %v", p.Month, no, c.FinalChange, a.Final-b.Final)
		case !ok && outcomeOfScore(b) != outcomeOfScore(a):
			t.Errorf("%s %s: not in the preview, yet the month moved %+v → %+v", p.Month, no, outcomeOfScore(b), outcomeOfScore(a))
		}
	}
	if gb, ga := grades(before), grades(after); !mapsEqual(gb, p.GradesBefore) || !mapsEqual(ga, p.GradesAfter) {
		t.Errorf("%s: grades %v → %v, month shows %v → %v", p.Month, p.GradesBefore, p.GradesAfter, gb, ga)
	}
	if p.BonusWithheldBefore != bonus(before) || p.BonusWithheldAfter != bonus(after) {
		t.Errorf("%s: bonus withheld %v → %v, month shows %v → %v", p.Month, p.BonusWithheldBefore, p.BonusWithheldAfter, bonus(before), bonus(after))
	}
	for _, d := range p.Departments {
		var n int
		var sb, sa float64
		for no, b := range before {
			if b.DepartmentName == d.DepartmentName {
				n++
				sb += b.Final
				sa += after[no].Final
			}
		}
		if n != d.Headcount || math.Abs(d.AverageBefore-sb/float64(n)) > 0.005 || math.Abs(d.AverageAfter-sa/float64(n)) > 0.005 {
			t.Errorf("%s %s: %d people averaging %v → %v, month shows %d averaging %v → %v", p.Month, d.DepartmentName,
				d.Headcount, d.AverageBefore, d.AverageAfter, n, sb/float64(n), sa/float64(n))
		}
	}
	// Largest change first.
	for i := 1; i < len(p.Changes); i++ {
		if math.Abs(p.Changes[i].FinalChange) > math.Abs(p.Changes[i-1].FinalChange) {
			t.Errorf("%s: changes not sorted by size: %+v", p.Month, p.Changes)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestRulePreviewWhatIf answers issue 18's question for a replayed month in
// one request, then saves the draft effective for that month and checks
// that the month shows exactly what the preview said, live and once closed.
// A closed month (September) is previewed from its snapshot.
func TestRulePreviewWhatIf(t *testing.T) {
	e := newTestEnv(t)
	replayExamples(e)
	e.as("hr", "POST", "/api/v1/periods/2026-09/close", nil).want(http.StatusOK)
	draft := whatIfRules(t)

	octBefore, _ := e.scoresOf("hr", "2026-10", "")
	sepBefore, _ := e.scoresOf("hr", "2026-09", "")
	got := e.preview("admin", "?page_size=200", draft, "2026-10", "2026-09")
	if len(got.Months) != 2 || got.Months[0].Month != "2026-10" || got.Months[1].Month != "2026-09" {
		t.Fatalf("months: %+v", got.Months)
	}
	oct, sep := got.Months[0], got.Months[1]
	if oct.Closed || !sep.Closed || oct.RuleVersion != 1 || sep.RuleVersion != 1 {
		t.Fatalf("month states: %+v / %+v", oct, sep)
	}
	// A loses 1 (late_referral minor 2 → 3), B 2 (praise 12 capped at 8, not
	// 10), E 4 (late_contact serious 8 → 12); C and D are untouched.
	var order []string
	for _, c := range oct.Changes {
		order = append(order, c.EmployeeNo)
	}
	if !slices.Equal(order, []string{"pE", "pB", "pA"}) || oct.Changed != 3 {
		t.Fatalf("October changes %v (changed %d), want pE, pB, pA", order, oct.Changed)
	}
	if a := oct.Changes[2]; a.Before.Final != 89 || a.After.Final != 88 || a.FinalChange != -1 || a.After.Grade != "B" {
		t.Fatalf("A: %+v", a)
	}
	if len(oct.Unapplied) != 0 {
		t.Fatalf("unapplied %v for a draft that changes points and the praise cap only", oct.Unapplied)
	}
	// September, closed: D's two minor violations now cost 3 each, 100 − 6 = 94: A → B.
	if sep.Changed != 1 || sep.Changes[0].EmployeeNo != "pD" || sep.Changes[0].Before.Grade != "A" || sep.Changes[0].After.Grade != "B" ||
		sep.Changes[0].After.Final != 94 {
		t.Fatalf("September: %+v", sep)
	}

	// Paged: page 2 of size 1 is B; the totals stay.
	paged := e.preview("hr", "?page=2&page_size=1", draft, "2026-10")
	if p := paged.Months[0]; p.Changed != 3 || len(p.Changes) != 1 || p.Changes[0].EmployeeNo != "pB" || paged.Page != 2 || paged.PageSize != 1 {
		t.Fatalf("page 2: %+v", paged)
	}

	// Save the draft for October (admin) and read October back: live, then closed.
	var saved models.RuleSetVersion
	e.as("admin", "POST", "/api/v1/rules", map[string]any{"effective_from": "2026-10", "rules": draft}).want(http.StatusCreated).decode(&saved)
	octAfter, page := e.scoresOf("hr", "2026-10", "")
	if page.RuleVersion != saved.Version {
		t.Fatalf("October scored by version %d, saved %d", page.RuleVersion, saved.Version)
	}
	checkPreviewMatches(t, oct, octBefore, octAfter)

	e.moveClock(shAt(2026, time.November, 2, 10))
	e.as("hr", "POST", "/api/v1/periods/2026-10/close", nil).want(http.StatusOK)
	octClosed, page := e.scoresOf("hr", "2026-10", "")
	if page.Status != "closed" || page.RuleVersion != saved.Version {
		t.Fatalf("closed October: %+v", page)
	}
	checkPreviewMatches(t, oct, octBefore, octClosed)

	// The closed month previewed with the draft it was closed with changes
	// nobody; with the default rules it changes back.
	same := e.preview("hr", "", draft, "2026-10").Months[0]
	if same.Changed != 0 || !same.Closed || same.RuleVersion != saved.Version {
		t.Fatalf("closed October with its own rules: %+v", same)
	}
	back := e.preview("hr", "?page_size=200", defaultRulesJSON(t), "2026-10").Months[0]
	checkPreviewMatches(t, back, octClosed, octBefore)

	// September is a replayed closed month: the preview's "before" is its snapshot.
	if sep.People != len(sepBefore) || sep.Changes[0].Before != outcomeOfScore(sepBefore["pD"]) {
		t.Fatalf("September: %d people, D before %+v; the snapshot holds %d, D %+v", sep.People, sep.Changes[0].Before,
			len(sepBefore), outcomeOfScore(sepBefore["pD"]))
	}
}

// TestRulePreviewUnapplied: a draft that changes only the ladder, the
// serious minimum, the repeat window, the appeal window or the SLA clocks
// changes no month's figures (sanctions are fixed at verification), and
// says which of its changes it could not apply.
func TestRulePreviewUnapplied(t *testing.T) {
	e := newTestEnv(t)
	replayExamples(e)
	draft := defaultRulesJSON(t)
	draft["ladder"] = []any{"public_criticism"}
	draft["serious_minimum"] = "public_criticism"
	draft["repeat_window_days"] = 30
	draft["appeal_window_days"] = 3
	draft["sla"].(map[string]any)["handover_working_hours"] = 1
	p := e.preview("admin", "", draft, "2026-10").Months[0]
	if p.Changed != 0 || len(p.Changes) != 0 {
		t.Fatalf("a ladder-only draft changed %d people: %+v", p.Changed, p.Changes)
	}
	want := []string{"repeat_window_days", "ladder", "serious_minimum", "appeal_window_days", "sla"}
	if !slices.Equal(p.Unapplied, want) {
		t.Fatalf("unapplied %v, want %v", p.Unapplied, want)
	}
	// The bonus percentages do apply to the stored sanctions.
	draft = defaultRulesJSON(t)
	draft["bonus_deduction_percent"].(map[string]any)["written_warning"] = 30
	p = e.preview("admin", "?page_size=200", draft, "2026-10").Months[0]
	// Five written warnings (C, D, three of E's) cost 20 more each, but E's
	// month is capped at 100 %: 50 → 100.
	if p.Changed != 3 || p.BonusWithheldAfter-p.BonusWithheldBefore != 20+20+50 {
		t.Fatalf("bonus draft: changed %d, bonus %v → %v", p.Changed, p.BonusWithheldBefore, p.BonusWithheldAfter)
	}
}

// TestRulePreviewValidation: the draft is checked as POST /rules checks it
// (every problem by path), the months one by one; nothing is computed.
func TestRulePreviewValidation(t *testing.T) {
	e := newTestEnv(t)
	bad := defaultRulesJSON(t)
	bad["points"].(map[string]any)["buck_passing"] = -5
	bad["grades"].([]any)[1].(map[string]any)["min"] = 99
	bad["foo"] = 1
	d := e.as("hr", "POST", "/api/v1/rules/preview", map[string]any{"rules": bad, "months": []string{"2026-13", "2026-10", "2026-10"}}).
		wantError(http.StatusUnprocessableEntity, "invalid")
	fields := map[string]bool{}
	for _, p := range d.Details {
		if m, ok := p.(map[string]any); ok {
			fields[fmt.Sprint(m["field"])] = true
		}
	}
	for _, f := range []string{"rules.points.buck_passing", "rules.grades[1].min", "rules.foo", "months[0]", "months[2]"} {
		if !fields[f] {
			t.Errorf("no problem at %s: %+v", f, d.Details)
		}
	}
	e.as("hr", "POST", "/api/v1/rules/preview", map[string]any{"rules": defaultRulesJSON(t)}).wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "POST", "/api/v1/rules/preview", map[string]any{"months": []string{"2026-10"}}).wantError(http.StatusUnprocessableEntity, "invalid")
	many := make([]string, 13)
	for i := range many {
		many[i] = fmt.Sprintf("2025-%02d", i%12+1)
	}
	e.as("hr", "POST", "/api/v1/rules/preview.xlsx", map[string]any{"rules": defaultRulesJSON(t), "months": many}).wantError(http.StatusUnprocessableEntity, "invalid")
}

// dbFingerprint hashes every row of every table, so a test can tell that
// nothing at all was written.
func dbFingerprint(e *testEnv) map[string]string {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		rows, err = db.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Close(); err != nil {
		e.t.Fatal(err)
	}
	if len(tables) < 10 {
		e.t.Fatalf("only %d tables found", len(tables))
	}
	out := map[string]string{}
	for _, table := range tables {
		rs, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			e.t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		if err := rs.Close(); err != nil {
			e.t.Fatal(err)
		}
		slices.Sort(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[table] = fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:8]))
	}
	return out
}

// TestRulePreviewWritesNothing: previews (JSON and workbook, open and
// closed months, a month never used) leave every table as it was, the audit
// chain included, and the chain still verifies.
func TestRulePreviewWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	replayExamples(e)
	e.as("hr", "POST", "/api/v1/periods/2026-09/close", nil).want(http.StatusOK)
	var headBefore models.AuditVerification
	e.as("hr", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK).decode(&headBefore)
	before := dbFingerprint(e)

	e.preview("admin", "", whatIfRules(t), "2026-10", "2026-09", "2025-03")
	e.as("hr", "POST", "/api/v1/rules/preview.xlsx", map[string]any{"rules": whatIfRules(t), "months": []string{"2026-10", "2026-09"}}).want(http.StatusOK)
	e.as("hr", "POST", "/api/v1/rules/preview", map[string]any{"rules": map[string]any{}, "months": []string{"x"}}).wantError(http.StatusUnprocessableEntity, "invalid")

	after := dbFingerprint(e)
	for table, fp := range before {
		if after[table] != fp {
			t.Errorf("table %s changed: %s → %s", table, fp, after[table])
		}
	}
	var headAfter models.AuditVerification
	e.as("hr", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK).decode(&headAfter)
	if !headAfter.OK || headAfter.Head == nil || headBefore.Head == nil || *headAfter.Head != *headBefore.Head {
		t.Fatalf("audit chain head moved: %+v → %+v", headBefore.Head, headAfter.Head)
	}
}

// TestRulePreviewWorkbook reads the workbook's cells back: the summary line
// and grade counts, the changed rows first and highlighted, in Chinese by
// default and in English with lang=en.
func TestRulePreviewWorkbook(t *testing.T) {
	e := newTestEnv(t)
	replayExamples(e)
	body := map[string]any{"rules": whatIfRules(t), "months": []string{"2026-10"}}
	for _, lang := range []string{"", "en"} {
		query := ""
		if lang != "" {
			query = "?lang=" + lang
		}
		r := e.as("hr", "POST", "/api/v1/rules/preview.xlsx"+query, body).want(http.StatusOK)
		if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("disposition %q", r.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		summary, changed, grade, yes := "汇总", "变化人数", "良好", "是"
		if lang == "en" {
			summary, changed, grade, yes = "Summary", "Changed", "Good", "yes"
		}
		if got := f.GetSheetList(); !slices.Equal(got, []string{summary, "2026-10"}) {
			t.Fatalf("sheets %v", got)
		}
		cellOf := func(sheet, ref string) string {
			t.Helper()
			v, err := f.GetCellValue(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if h := cellOf(summary, "E3"); h != changed {
			t.Fatalf("summary header E3 %q, want %q", h, changed)
		}
		if m, n := cellOf(summary, "A4"), cellOf(summary, "E4"); m != "2026-10" || n != "3" {
			t.Fatalf("summary row: month %q changed %q", m, n)
		}
		// Rows 4–6 are E, B, A (largest change first), highlighted; row 7 is not.
		for i, want := range []struct {
			no, before, after, change string
		}{{"pE", "10", "6", "-4"}, {"pB", "110", "108", "-2"}, {"pA", "89", "88", "-1"}} {
			row := 4 + i
			if got := []string{cellOf("2026-10", fmt.Sprint("A", row)), cellOf("2026-10", fmt.Sprint("D", row)),
				cellOf("2026-10", fmt.Sprint("E", row)), cellOf("2026-10", fmt.Sprint("F", row))}; !slices.Equal(got, []string{want.no, want.before + ".00", want.after + ".00", want.change + ".00"}) {
				t.Fatalf("row %d: %v, want %+v", row, got, want)
			}
			if m := cellOf("2026-10", fmt.Sprint("M", row)); m != yes {
				t.Fatalf("row %d marked %q", row, m)
			}
			if !isHighlighted(t, f, "2026-10", fmt.Sprint("A", row)) {
				t.Fatalf("row %d not highlighted", row)
			}
		}
		if g := cellOf("2026-10", "H6"); g != grade {
			t.Fatalf("A's grade after %q, want %q", g, grade)
		}
		if isHighlighted(t, f, "2026-10", "A7") || cellOf("2026-10", "M7") == yes {
			t.Fatal("an unchanged row is highlighted")
		}
		rows, err := f.GetRows("2026-10")
		if err != nil {
			t.Fatal(err)
		}
		var hr scoresPageBody
		e.as("hr", "GET", "/api/v1/periods/2026-10/scores?page_size=1", nil).want(http.StatusOK).decode(&hr)
		if len(rows)-3 != int(hr.Total) {
			t.Fatalf("%d person rows, the month scores %d", len(rows)-3, hr.Total)
		}
		_ = f.Close()
	}
}

// isHighlighted reports whether a cell has the changed-row fill.
func isHighlighted(t *testing.T, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return len(st.Fill.Color) > 0 && strings.EqualFold(st.Fill.Color[0], "FFF2CC")
}

// Permission cases of the rule preview (issue 18): HR and admin, as GET /rules.
func init() {
	ok, forbidden := http.StatusOK, http.StatusForbidden
	body := func(e *testEnv, role string) (string, any) {
		return "/api/v1/rules/preview", map[string]any{"rules": whatIfRules(e.t), "months": []string{"2026-10", "2026-09"}}
	}
	permissionCases["POST /api/v1/rules/preview"] = permCase{build: body, want: expect(forbidden, forbidden, ok, ok)}
	permissionCases["POST /api/v1/rules/preview.xlsx"] = permCase{
		build: func(e *testEnv, role string) (string, any) {
			_, b := body(e, role)
			return "/api/v1/rules/preview.xlsx", b
		},
		want: expect(forbidden, forbidden, ok, ok)}
}
