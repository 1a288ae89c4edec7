package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"firstask/scoring"
)

// storedMonthCounts reads staff_month_counts (rows with any count) or,
// with recompute, the counts recomputed from the records, ordered.
func storedMonthCounts(t *testing.T, s *Store, recompute bool) []staffMonthCount {
	t.Helper()
	var rows []staffMonthCount
	q := "SELECT month, staff_id, counted_violations, counted_praise, corrections, undecided_appeals FROM staff_month_counts"
	if recompute {
		q = "SELECT * FROM (" + monthCountsQuery + ") AS r"
	}
	q += " WHERE counted_violations <> 0 OR counted_praise <> 0 OR corrections <> 0 OR undecided_appeals <> 0 ORDER BY month, staff_id"
	if err := s.db.Raw(q).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMonthCountsFollowWrites makes a random mix of conduct writes through
// the store (reports, verifications, dismissals, appeals, decisions both
// ways, praise, some of it at once, a month closed midway so overturns
// become corrections) and checks after every few that the maintained
// per-person counts equal a full recomputation from the records, that the
// month summary's counts equal counting the records, and that a rebuild
// changes nothing.
func TestMonthCountsFollowWrites(t *testing.T) {
	s := openStoreAt(t, time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC))
	ctx := context.Background()
	hr, staff := scoringOrg(t, s, 8)
	reporter := Actor{StaffID: staff[0], Role: RoleHR, RequestID: "t2"} // a second HR user reports
	subjects := staff[1:]
	rng := rand.New(rand.NewPCG(17, 4))
	months := []time.Time{time.Date(2026, 10, 12, 3, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC)}

	state := map[int64]ViolationState{}
	staffOf := map[int64]int64{}
	inState := func(st ViolationState) []int64 {
		var ids []int64
		for id, s := range state {
			if s == st {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids
	}
	pick := func(ids []int64) int64 { return ids[rng.IntN(len(ids))] }
	check := func(step string) {
		t.Helper()
		got, want := storedMonthCounts(t, s, false), storedMonthCounts(t, s, true)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: maintained counts\n%v\nrecomputed\n%v", step, got, want)
		}
		for _, m := range []scoring.Month{october, october.AddMonths(1)} {
			d, err := s.GetPeriod(ctx, hr, m)
			if err != nil {
				t.Fatal(err)
			}
			count := func(where string, args ...any) int64 {
				var n int64
				if err := s.db.Table("violations").Where(where, args...).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				return n
			}
			var praise int64
			if err := s.db.Table("praises").Where("counted_month = ?", m.String()).Count(&praise).Error; err != nil {
				t.Fatal(err)
			}
			wantCounts := [4]int64{
				count("counted_month = ? AND state IN ?", m.String(), countingStates), praise,
				count("correction_month = ? AND state = ?", m.String(), ViolationOverturned),
				count("counted_month = ? AND state = ?", m.String(), ViolationAppealed),
			}
			if gotCounts := [4]int64{d.CountedViolations, d.CountedPraise, d.Corrections, d.UndecidedAppeals}; gotCounts != wantCounts {
				t.Fatalf("%s: summary of %s counts %v, records %v", step, m, gotCounts, wantCounts)
			}
		}
	}

	yes, no := true, false
	closed := false
	var late int64 // an October violation verified just before October closes
	for i := 0; i < 160; i++ {
		step := fmt.Sprintf("step %d", i)
		switch op := rng.IntN(6); {
		case i == 90:
			// Verify one more October violation, decide October's appeals
			// (upheld), then close it: overturns of its violations from
			// now on become November's corrections.
			at := months[0]
			v, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: subjects[1], Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor, OccurredAt: &at})
			if err == nil {
				v, err = s.VerifyViolation(ctx, hr, v.ID, DecisionInput{Note: "查实"})
			}
			if err != nil {
				t.Fatal(step, err)
			}
			late = v.ID // kept out of the random picks
			for _, id := range inState(ViolationAppealed) {
				if _, err := s.DecideAppeal(ctx, hr, id, AppealDecisionInput{Upheld: &yes, Note: "维持"}); err != nil {
					t.Fatal(step, err)
				}
				state[id] = ViolationUpheld
			}
			if _, err := s.ClosePeriod(ctx, hr, october); err != nil {
				t.Fatal(step, err)
			}
			closed = true
		case op == 0 || len(state) < 3:
			at := months[rng.IntN(2)]
			if closed {
				at = months[1]
			}
			v, err := s.ReportViolation(ctx, reporter, ViolationInput{StaffID: pick(subjects), Type: scoring.ViolationNoFeedback, Severity: scoring.SeverityMinor, OccurredAt: &at})
			if err != nil {
				t.Fatal(step, err)
			}
			state[v.ID], staffOf[v.ID] = v.State, v.StaffID
		case op == 1 && len(inState(ViolationReported)) > 0:
			v, err := s.VerifyViolation(ctx, hr, pick(inState(ViolationReported)), DecisionInput{Note: "查实"})
			if err != nil {
				t.Fatal(step, err)
			}
			state[v.ID] = v.State
		case op == 2 && len(inState(ViolationReported)) > 0:
			v, err := s.DismissViolation(ctx, hr, pick(inState(ViolationReported)), DecisionInput{Note: "不成立"})
			if err != nil {
				t.Fatal(step, err)
			}
			state[v.ID] = v.State
		case op == 3 && len(inState(ViolationVerified)) > 0:
			id := pick(inState(ViolationVerified))
			v, err := s.AppealViolation(ctx, Actor{StaffID: staffOf[id], Role: RoleStaff, RequestID: "t"}, id, AppealInput{Explanation: "当天请假"})
			if err != nil {
				t.Fatal(step, err)
			}
			state[v.ID] = v.State
		case op == 4 && len(inState(ViolationAppealed)) > 0:
			upheld := &yes
			if rng.IntN(2) == 0 {
				upheld = &no
			}
			v, err := s.DecideAppeal(ctx, hr, pick(inState(ViolationAppealed)), AppealDecisionInput{Upheld: upheld, Note: "决定"})
			if err != nil {
				t.Fatal(step, err)
			}
			state[v.ID] = v.State
		case op == 5:
			at := months[rng.IntN(2)]
			if _, err := s.RecordPraise(ctx, hr, PraiseInput{StaffID: pick(subjects), Kind: scoring.PraiseSupervisor, OccurredAt: &at, Reason: "表扬"}); err != nil {
				t.Fatal(step, err)
			}
		}
		if i%20 == 19 {
			check(step)
		}
	}
	// The October violation appealed and overturned after the close: a
	// correction in November.
	if _, err := s.AppealViolation(ctx, Actor{StaffID: subjects[1], Role: RoleStaff, RequestID: "t"}, late, AppealInput{Explanation: "当天请假"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideAppeal(ctx, hr, late, AppealDecisionInput{Upheld: &no, Note: "撤销"}); err != nil {
		t.Fatal(err)
	}
	state[late] = ViolationOverturned
	check("late overturn")
	// Writers for the same person at once add up.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			for k := 0; k < 5; k++ {
				at := months[1]
				if _, err := s.RecordPraise(ctx, hr, PraiseInput{StaffID: subjects[0], Kind: scoring.PraiseVisitorCommendation, OccurredAt: &at, Reason: "同时"}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	check("concurrent praise")
	if len(inState(ViolationOverturned)) == 0 || !closed {
		t.Fatal("the mix made no overturn or never closed October")
	}
	var corrections int64
	if err := s.db.Table("violations").Where("correction_month IS NOT NULL").Count(&corrections).Error; err != nil || corrections == 0 {
		t.Fatalf("the mix made no correction (%v)", err)
	}
	before := storedMonthCounts(t, s, false)
	if err := s.write(ctx, System("t"), func(tx *Tx) error { return tx.rebuildMonthCounts() }); err != nil {
		t.Fatal(err)
	}
	if after := storedMonthCounts(t, s, false); !slices.Equal(before, after) {
		t.Fatalf("a rebuild changed the counts:\n%v\n%v", before, after)
	}
}
