package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestImportRefusesInvisibleCharacters: an import row whose number hides a
// zero-width space or a control character is a row problem, not a second
// account that signs in as the first.
func TestImportRefusesInvisibleCharacters(t *testing.T) {
	ctx := context.Background()
	f := newUploadFixture(t)
	_, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{
		{Row: 2, EmployeeNo: "3001\u200b", Name: "甲", Department: "A"},
		{Row: 3, EmployeeNo: "3002\x00", Name: "乙", Department: "A"},
	})
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid || len(e.Details) != 2 {
		t.Fatalf("want two row problems: %+v", err)
	}
	for _, d := range e.Details {
		if !strings.Contains(fmt.Sprintf("%+v", d), ReasonBadEmployeeNo) {
			t.Fatalf("row problem %+v", d)
		}
	}
	var n int64
	f.s.db.Model(&Staff{}).Where("employee_no LIKE ?", "300%").Count(&n)
	if n != 0 {
		t.Fatalf("%d accounts created", n)
	}
}
