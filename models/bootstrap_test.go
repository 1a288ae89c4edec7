package models

import (
	"context"
	"firstask/scoring"
	"sync"
	"testing"
)

// TestEnsureAdminConcurrently: instances starting together on one empty
// (already migrated) database create one admin between them, and none of
// them fails.
func TestEnsureAdminConcurrently(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	created := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, created[i], errs[i] = s.EnsureAdmin(ctx, "bootstrap-pw-1")
		}()
	}
	wg.Wait()
	made := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("instance %d: %v", i, errs[i])
		}
		if created[i] {
			made++
		}
	}
	var staff int64
	if err := s.db.Model(&Staff{}).Count(&staff).Error; err != nil {
		t.Fatal(err)
	}
	if made != 1 || staff != 1 {
		t.Fatalf("created by %d instances, %d staff; want 1 and 1", made, staff)
	}
	if res, err := s.VerifyAudit(ctx, System("t")); err != nil || !res.OK {
		t.Fatalf("audit chain: %+v %v", res, err)
	}
}

// TestBootstrapAdminNotAppraised: the first admin is a system account,
// out of the results template and the scores.
func TestBootstrapAdminNotAppraised(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, _, _, err := s.EnsureAdmin(ctx, "bootstrap-pw-1"); err != nil {
		t.Fatal(err)
	}
	var admin Staff
	if err := s.db.Where("employee_no = ?", "admin").Take(&admin).Error; err != nil {
		t.Fatal(err)
	}
	if admin.Appraised {
		t.Fatal("the bootstrap admin is appraised")
	}
	m, _ := scoring.ParseMonth("2026-10")
	rows, err := s.ResultsTemplate(ctx, System("t"), m, 0)
	if err != nil || len(rows) != 0 {
		t.Fatalf("template %+v %v", rows, err)
	}
	ms, err := s.MonthScores(ctx, System("t"), m, 0)
	if err != nil || len(ms.Results) != 0 {
		t.Fatalf("scores %+v %v", ms.Results, err)
	}
}
