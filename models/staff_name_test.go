package models

import (
	"context"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"李　红":            "李红",
		" 张 三 ":          "张三",
		"王\u3000\u3000五": "王五",
		"ＪＯＨＮ　Ｓｍｉｔｈ":     "JOHN Smith",
		"John   Smith":   "John Smith",
		"欧阳·娜娜":          "欧阳·娜娜",
		"阿依 Ali":         "阿依 Ali",
		"":               "",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNamesNormalisedWhereverWritten: creation, edits and the import store
// 「李　红」 as 李红.
func TestNamesNormalisedWhereverWritten(t *testing.T) {
	ctx := context.Background()
	f := newUploadFixture(t)
	var dept Department
	if err := f.s.db.Where("code = ?", "A").First(&dept).Error; err != nil {
		t.Fatal(err)
	}
	no, name := "N-1", "李　红"
	st, err := f.s.CreateStaff(ctx, f.hr, StaffInput{EmployeeNo: &no, Name: &name, DepartmentID: &dept.ID})
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "李红" {
		t.Fatalf("created as %q", st.Name)
	}
	name2 := " 王　五 "
	if up, err := f.s.UpdateStaff(ctx, f.hr, st.ID, StaffInput{Name: &name2}); err != nil || up.Name != "王五" {
		t.Fatalf("updated to %q (%v)", up.Name, err)
	}
	if _, err := f.s.ImportStaff(ctx, f.hr, []StaffImportRow{{Row: 2, EmployeeNo: "N-2", Name: "赵　六", Department: "A"}}); err != nil {
		t.Fatal(err)
	}
	var got Staff
	if err := f.s.db.Where("employee_no = ?", "N-2").First(&got).Error; err != nil || got.Name != "赵六" {
		t.Fatalf("imported as %q (%v)", got.Name, err)
	}
}

// TestGeneratedPasswordsNeverLookLikeFormulas: no generated password starts
// with = + - or @ (a spreadsheet would run it as a formula).
func TestGeneratedPasswordsNeverLookLikeFormulas(t *testing.T) {
	for range 20000 {
		p := GeneratePassword()
		if len(p) != 16 || strings.ContainsRune("=+-@", rune(p[0])) {
			t.Fatalf("generated %q", p)
		}
	}
}
