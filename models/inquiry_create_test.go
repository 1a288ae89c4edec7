package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"firstask/models"
	"firstask/models/storetest"
	"firstask/seed"
)

// TestCreateInquiryAnswersAsRead checks that the detail CreateInquiry
// returns, built from what it wrote instead of read back, is exactly what
// GetInquiry answers afterwards, and that references stay consecutive with
// the one-statement counter.
func TestCreateInquiryAnswersAsRead(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, models.Options{})
	if _, err := seed.Fill(ctx, s, seed.Options{Departments: 3, Staff: 20, Month: "2026-10", Seed: 5}, nil); err != nil {
		t.Fatal(err)
	}
	var st, sup models.Staff
	if err := s.TestDB().Where("role = ?", models.RoleStaff).Order("id").First(&st).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.TestDB().Where("role = ? AND department_id = ?", models.RoleSupervisor, st.DepartmentID).First(&sup).Error; err != nil {
		t.Fatal(err)
	}
	staff := models.Actor{StaffID: st.ID, Role: st.Role, DepartmentID: st.DepartmentID, RequestID: "t"}
	super := models.Actor{StaffID: sup.ID, Role: sup.Role, DepartmentID: sup.DepartmentID, RequestID: "t"}
	body := func(extra string) models.InquiryInput {
		var in models.InquiryInput
		js := `{"channel":"phone","visitor_name":"王伟","visitor_phone":"13912345678","category":"consultation","summary":"办理社保"` + extra + `}`
		if err := json.Unmarshal([]byte(js), &in); err != nil {
			t.Fatal(err)
		}
		return in
	}
	asJSON := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	cases := []struct {
		name string
		a    models.Actor
		in   models.InquiryInput
	}{
		{"Open", staff, body("")},
		{"Guided", staff, body(`,"disposition":"guided","guidance":"二楼综合窗口"`)},
		{"ResolvedOnSpot", staff, body(`,"disposition":"resolved_on_spot"`)},
		{"ForSomeoneElse", super, body(fmt.Sprintf(`,"first_responder_id":%d`, st.ID))},
		{"Referred", staff, body(fmt.Sprintf(`,"disposition":"referred","read_back_confirmed":true,"referral":{"to_department_id":%d,"note":"请处理"}`, sup.DepartmentID))},
	}
	var refs []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.CreateInquiry(ctx, c.a, c.in)
			if err != nil {
				t.Fatal(err)
			}
			read, err := s.GetInquiry(ctx, c.a, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if g, r := asJSON(got), asJSON(read); g != r {
				t.Fatalf("created:\n%s\nread:\n%s", g, r)
			}
			refs = append(refs, got.Ref)
		})
	}
	for i := 1; i < len(refs); i++ {
		var a, b int
		fmt.Sscanf(refs[i-1][12:], "%d", &a)
		fmt.Sscanf(refs[i][12:], "%d", &b)
		if refs[i][:12] == refs[i-1][:12] && b != a+1 {
			t.Fatalf("references not consecutive: %v", refs)
		}
	}
}
