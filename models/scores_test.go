package models

import (
	"context"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"firstask/scoring"
)

// countQueries counts the statements the store runs from now on.
func countQueries(t testing.TB, s *Store) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	inc := func(*gorm.DB) { n.Add(1) }
	cb := s.db.Callback()
	if err := cb.Query().After("gorm:query").Register("test:count_query", inc); err != nil {
		t.Fatal(err)
	}
	if err := cb.Row().After("gorm:row").Register("test:count_row", inc); err != nil {
		t.Fatal(err)
	}
	if err := cb.Raw().After("gorm:raw").Register("test:count_raw", inc); err != nil {
		t.Fatal(err)
	}
	return &n
}

// violationAndPraiseEach gives every person of staff but the first (who
// reports, as HR) one verified violation and one praise in October.
func violationAndPraiseEach(t *testing.T, s *Store, hr Actor, staff []int64) {
	t.Helper()
	ctx := context.Background()
	reporter := Actor{StaffID: staff[0], Role: RoleHR, RequestID: "t"}
	for i, st := range staff[1:] {
		at := time.Date(2026, 10, 1+i%15, 3, 0, 0, 0, time.UTC)
		v, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: st, Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor, OccurredAt: &at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyViolation(ctx, hr, v.ID, DecisionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordPraise(ctx, hr, PraiseInput{StaffID: st, Kind: scoring.PraiseSupervisor, OccurredAt: &at, Reason: "r"}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMonthScoresQueriesDoNotGrowWithPeople scores a month for 4 and then
// for 40 people with records: the number of statements stays the same
// (13 on SQLite, 12 on MariaDB: among them two halves of the violations
// on SQLite and one refs query per kind of record).
func TestMonthScoresQueriesDoNotGrowWithPeople(t *testing.T) {
	ctx := context.Background()
	queries := func(people int) int64 {
		s := openStoreAt(t, time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC))
		hr, staff := scoringOrg(t, s, people)
		violationAndPraiseEach(t, s, hr, staff)
		n := countQueries(t, s)
		ms, err := s.MonthScores(ctx, hr, october, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms.Results) != people+1 || len(ms.Records) != 2*(people-1) {
			t.Fatalf("%d people: %d results, %d records", people, len(ms.Results), len(ms.Records))
		}
		return n.Load()
	}
	small, large := queries(4), queries(40)
	if small != large || large > 14 {
		t.Fatalf("statements for 4 people %d, for 40 people %d; want equal and few", small, large)
	}
	t.Logf("MonthScores ran %d statements", large)
}

// TestMonthScoresRecords checks what the records list shows: inquiry,
// state, carried-over month, points applied, and that it matches the items.
func TestMonthScoresRecords(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	hr, staff := scoringOrg(t, s, 3)
	ctx := context.Background()
	reporter := Actor{StaffID: staff[0], Role: RoleHR, RequestID: "t"}
	inq, err := s.CreateInquiry(ctx, reporter, consultation(staff[1]))
	if err != nil {
		t.Fatal(err)
	}
	inquiry := inq.ID
	bogus := int64(99999)
	sept := time.Date(2026, 9, 30, 3, 0, 0, 0, time.UTC)
	if _, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: staff[1], Type: scoring.ViolationBuckPassing,
		Severity: scoring.SeverityOrdinary, OccurredAt: &sept, InquiryID: &bogus}); ErrorCode(err) != EInvalid {
		t.Fatalf("unknown inquiry: %v, want invalid", err)
	}
	if _, err := s.ClosePeriod(ctx, hr, scoring.Month{Year: 2026, Mon: time.September}); err != nil {
		t.Fatal(err)
	}
	v, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: staff[1], Type: scoring.ViolationBuckPassing,
		Severity: scoring.SeverityOrdinary, OccurredAt: &sept, InquiryID: &inquiry})
	if err != nil {
		t.Fatal(err)
	}
	if v, err = s.VerifyViolation(ctx, hr, v.ID, DecisionInput{}); err != nil {
		t.Fatal(err)
	}
	oct := time.Date(2026, 10, 9, 3, 0, 0, 0, time.UTC)
	p, err := s.RecordPraise(ctx, hr, PraiseInput{StaffID: staff[1], Kind: scoring.PraiseVisitorCommendation, OccurredAt: &oct, InquiryID: &inquiry, Reason: "锦旗"})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.MonthScores(ctx, hr, october, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ms.Closed || ms.RuleVersion != 1 || ms.Rules.PraiseCap != 10 || len(ms.Records) != 2 {
		t.Fatalf("month: closed %v version %d records %+v", ms.Closed, ms.RuleVersion, ms.Records)
	}
	sameExport(t, s, hr, ms)
	var person StaffScore
	for _, r := range ms.Results {
		if r.ID == staff[1] {
			person = r
		}
	}
	if person.DepartmentName != "D1" || person.EmployeeNo != "s001" || person.Final != 93 || len(person.Items) != 2 {
		t.Fatalf("person: %+v", person)
	}
	for _, r := range ms.Records {
		switch r.Kind {
		case scoring.RecordViolation:
			if r.ID != v.ID || r.State != "verified" || r.Points != -10 || r.Sanction != scoring.SanctionEducation ||
				r.InquiryID == nil || *r.InquiryID != inquiry || r.InquiryRef != inq.Ref || r.InquiryRef == "" || r.CarriedOverFrom == nil || r.CarriedOverFrom.String() != "2026-09" {
				t.Fatalf("violation record: %+v", r)
			}
		case scoring.RecordPraise:
			if r.ID != p.ID || r.State != PraiseRecorded || r.Points != 3 || r.PraiseKind != scoring.PraiseVisitorCommendation || r.InquiryID == nil || r.InquiryRef != inq.Ref {
				t.Fatalf("praise record: %+v", r)
			}
		default:
			t.Fatalf("record %+v", r)
		}
	}
	// Closed, the same month answers from its snapshot with the same records.
	if _, err := s.ClosePeriod(ctx, hr, october); err != nil {
		t.Fatal(err)
	}
	closed, err := s.MonthScores(ctx, hr, october, 0)
	if err != nil || !closed.Closed || closed.ClosedAt == nil {
		t.Fatalf("closed: %v %v", closed.Closed, err)
	}
	if len(closed.Records) != len(ms.Records) {
		t.Fatalf("snapshot records %+v, live %+v", closed.Records, ms.Records)
	}
	for i := range closed.Records {
		a, b := closed.Records[i], ms.Records[i]
		if a.ID != b.ID || a.Kind != b.Kind || a.Points != b.Points || a.State != b.State || a.Reason != b.Reason || a.InquiryRef != b.InquiryRef ||
			!a.OccurredAt.Equal(b.OccurredAt) || *a.InquiryID != *b.InquiryID || (a.CarriedOverFrom == nil) != (b.CarriedOverFrom == nil) {
			t.Fatalf("snapshot record %+v, live %+v", a, b)
		}
	}
	sameExport(t, s, hr, closed)
	for i := range closed.Results {
		a, b := closed.Results[i], ms.Results[i]
		if a.ID != b.ID || a.Final != b.Final || a.Grade != b.Grade || len(a.Items) != len(b.Items) || a.DepartmentName != b.DepartmentName {
			t.Fatalf("snapshot result %+v, live %+v", a, b)
		}
	}
	// A staff member sees only themselves.
	own, err := s.MonthScores(ctx, Actor{StaffID: staff[1], Role: RoleStaff, RequestID: "t"}, october, 0)
	if err != nil || len(own.Results) != 1 || own.Results[0].ID != staff[1] || len(own.Records) != 2 {
		t.Fatalf("own scores: %+v %v", own.Results, err)
	}
}

// sameExport checks that ExportMonthScores answers what MonthScores did:
// the same results without their items, and the same records in order,
// once RecordNotes has given an open month's records their refs.
func sameExport(t *testing.T, s *Store, a Actor, want MonthScores) {
	t.Helper()
	got, err := s.ExportMonthScores(context.Background(), a, want.Month, 0)
	if err != nil {
		t.Fatal(err)
	}
	var records []CountedRecord
	var keys []RecordKey
	for r := range got.Records() {
		records = append(records, *r)
		keys = append(keys, RecordKey{Kind: r.Kind, ID: r.ID})
	}
	// An open month's refs come with the notes, as the workbook reads them.
	notes, err := s.RecordNotes(context.Background(), a, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range records {
		if records[i].InquiryRef == "" {
			records[i].InquiryRef = notes[keys[i]].InquiryRef
		}
	}
	if !reflect.DeepEqual(records, want.Records) {
		t.Fatalf("export records %+v, want %+v", records, want.Records)
	}
	results := slices.Clone(want.Results)
	for i := range results {
		results[i].Items = nil
	}
	if got.Month != want.Month || got.Closed != want.Closed || got.RuleVersion != want.RuleVersion ||
		!reflect.DeepEqual(got.Results, results) || got.MonthScores.Records != nil {
		t.Fatalf("export %+v, want %+v", got.MonthScores, want)
	}
}

// TestCountedSetFind finds records by kind and id whether a run's ids are
// nearly consecutive (a lookup table) or scattered (a sorted index).
func TestCountedSetFind(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []int64
	}{
		{"Dense", []int64{12, 10, 11, 15, 13}},
		{"Sparse", []int64{900000, 3, 50000, 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := &countedSet{}
			for _, id := range tc.ids {
				set.add(&scoring.Record{ID: id, Kind: scoring.RecordViolation}, recordInfo{inquiryID: id * 10})
			}
			set.endRun(scoring.RecordViolation)
			set.add(&scoring.Record{ID: tc.ids[0], Kind: scoring.RecordPraise}, recordInfo{inquiryID: -1})
			set.endRun(scoring.RecordPraise)
			for _, id := range tc.ids {
				k := set.find(scoring.RecordViolation, id)
				if k < 0 || set.records[k].ID != id || set.info[k].inquiryID != id*10 {
					t.Fatalf("violation %d: index %d", id, k)
				}
			}
			if k := set.find(scoring.RecordPraise, tc.ids[0]); k < 0 || set.info[k].inquiryID != -1 {
				t.Fatalf("praise %d: index %d", tc.ids[0], k)
			}
			for _, id := range []int64{0, 1, 14, 1 << 40, -5} {
				if k := set.find(scoring.RecordViolation, id); k >= 0 {
					t.Fatalf("violation %d found at %d", id, k)
				}
			}
		})
	}
}

// TestParseStoredTime reads stored times through the fast path and the
// general one alike.
func TestParseStoredTime(t *testing.T) {
	for _, s := range []string{
		"2026-10-11 14:37:44.204+00:00", "2026-10-11 14:37:44+00:00", "2026-10-11 14:37:44.123456789+00:00",
		"2026-10-11 14:37:44.5+00:00", "2026-10-11 22:37:44.204+08:00", "2026-10-11T14:37:44.204+00:00", "2026-10-11 14:37:44.204",
	} {
		got, err := parseStoredTime([]byte(s))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		var want time.Time
		for _, layout := range storedTimeLayouts {
			if w, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
				want = w
				break
			}
		}
		if !got.Equal(want) || got.Location().String() != want.Location().String() {
			t.Fatalf("%s: got %v, want %v", s, got, want)
		}
	}
	if _, ok := parseUTCTime([]byte("2026-13-11 14:37:44.204+00:00")); ok {
		t.Fatal("month 13 accepted")
	}
}

// TestMonthResultsWithoutRecords: MonthResults gives the same results as
// MonthScores and no records list, for an open month and once it is
// closed, and keeps to the caller's scope (a staff member: only
// themselves).
func TestMonthResultsWithoutRecords(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
	ctx := context.Background()
	hr, staff := scoringOrg(t, s, 6)
	violationAndPraiseEach(t, s, hr, staff)
	for _, state := range []string{"open", "closed"} {
		if state == "closed" {
			if _, err := s.ClosePeriod(ctx, hr, october); err != nil {
				t.Fatal(err)
			}
		}
		full, err := s.MonthScores(ctx, hr, october, 0)
		if err != nil {
			t.Fatal(err)
		}
		results, err := s.MonthResults(ctx, hr, october, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Records) != 2*(len(staff)-1) || results.Records != nil {
			t.Fatalf("%s: %d records in MonthScores, %d in MonthResults; want %d and none", state, len(full.Records), len(results.Records), 2*(len(staff)-1))
		}
		if len(results.Results) != len(staff)+1 || !reflect.DeepEqual(full.Results, results.Results) || results.Closed != (state == "closed") {
			t.Fatalf("%s: MonthResults differs from MonthScores: %d against %d results", state, len(results.Results), len(full.Results))
		}
		me := Actor{StaffID: staff[2], Role: RoleStaff, RequestID: "t"}
		own, err := s.MonthResults(ctx, me, october, 0)
		if err != nil || len(own.Results) != 1 || own.Results[0].ID != staff[2] {
			t.Fatalf("%s: a staff member's own results: %+v, %v", state, own.Results, err)
		}
	}
}
