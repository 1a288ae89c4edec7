package models_test

import (
	"context"
	"testing"

	"firstask/models"
	"firstask/models/storetest"
)

func TestReferralTargets(t *testing.T) {
	s := storetest.Open(t, models.Options{})
	ctx := context.Background()
	if _, _, _, err := s.EnsureAdmin(ctx, "admin-pass-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FillDemo(ctx); err != nil {
		t.Fatal(err)
	}
	sys := models.System("test")
	all, _, err := s.ListStaff(ctx, sys, models.StaffFilter{Page: models.Page{Number: 1, Size: 200}})
	if err != nil {
		t.Fatal(err)
	}
	var clerk, colleague models.Staff
	for _, st := range all {
		switch st.EmployeeNo {
		case "D002":
			clerk = st
		case "D011":
			colleague = st
		}
	}
	staff := models.Actor{StaffID: clerk.ID, Role: clerk.Role, DepartmentID: clerk.DepartmentID}
	t.Run("OK", func(t *testing.T) {
		got, err := s.ReferralTargets(ctx, staff, colleague.DepartmentID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, g := range got {
			found = found || (g.ID == colleague.ID && g.Name == colleague.Name)
		}
		if !found || len(got) < 2 {
			t.Fatalf("targets %+v lack %s", got, colleague.Name)
		}
	})
	t.Run("ErrDepartmentRequired", func(t *testing.T) {
		if _, err := s.ReferralTargets(ctx, staff, 0); models.ErrorCode(err) != models.EInvalid {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.ReferralTargets(ctx, staff, 999999); models.ErrorCode(err) != models.ENotFound {
			t.Fatalf("got %v", err)
		}
	})
}
