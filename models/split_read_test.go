package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"firstask/models"
	"firstask/models/storetest"
	"firstask/scoring"
	"firstask/seed"
)

// TestMonthScoresSplitRead: a big month's violations read in two halves
// on two connections (with the praise on a third) give the same results
// and records, in the same order, as one read after the other, and both
// reads are sized by the month's counts without copying.
func TestMonthScoresSplitRead(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, models.Options{})
	if _, err := seed.Fill(ctx, s, seed.Options{Departments: 4, Staff: 80, Inquiries: 800, Conduct: 600, Praise: 150, Month: "2026-10", Seed: 5}, nil); err != nil {
		t.Fatal(err)
	}
	month := scoring.Month{Year: 2026, Mon: time.October}
	hr := models.System("t")
	copiesBefore := models.JoinCopies()
	one, err := s.MonthScores(ctx, hr, month, 0)
	if err != nil {
		t.Fatal(err)
	}
	models.SplitRecordsFrom(t, 1)
	split, err := s.MonthScores(ctx, hr, month, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Records) < 300 {
		t.Fatalf("only %d records counted: the seed is too small to tell", len(one.Records))
	}
	// The month's per-person counts, kept as the seed wrote the records,
	// sized every read exactly: nothing was copied together.
	if n := models.JoinCopies() - copiesBefore; n != 0 {
		t.Errorf("%d reads found the month's counts out of step with its records", n)
	}
	if !reflect.DeepEqual(one.Results, split.Results) || !reflect.DeepEqual(one.Records, split.Records) {
		t.Fatalf("the split read differs: %d results / %d records against %d / %d", len(split.Results), len(split.Records), len(one.Results), len(one.Records))
	}
}
