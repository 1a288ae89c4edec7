package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"firstask/api/client"
)

// contractCheckedHandler serves the real router and runs the package's
// request hooks (the contract check) on every exchange, so that a client
// talking to it over real HTTP is held to the document too.
func contractCheckedHandler(t *testing.T, e *testEnv) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, r)
		for _, h := range requestHooks {
			h(t, r, raw, rec)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// TestGeneratedClientWalkthrough drives the first walkthrough a newcomer
// takes with the Go client generated from api/openapi.yaml, over HTTP,
// through the real router: sign in, register an inquiry referred to a
// person in another department, report a violation and have HR verify it,
// then read the staff member's own score, which counts it.
func TestGeneratedClientWalkthrough(t *testing.T) {
	e := newTestEnv(t)
	ts := httptest.NewServer(contractCheckedHandler(t, e))
	defer ts.Close()
	ctx := context.Background()

	anon, err := client.NewClientWithResponses(ts.URL + "/api/v1")
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(employeeNo string) *client.ClientWithResponses {
		t.Helper()
		res, err := anon.LoginWithResponse(ctx, client.LoginJSONRequestBody{EmployeeNo: employeeNo, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if res.JSON200 == nil || res.JSON200.Token == "" {
			t.Fatalf("login %s: %d %s", employeeNo, res.StatusCode(), res.Body)
		}
		if res.JSON200.Staff.EmployeeNo != employeeNo {
			t.Fatalf("login %s answered for %s", employeeNo, res.JSON200.Staff.EmployeeNo)
		}
		token := res.JSON200.Token
		c, err := client.NewClientWithResponses(ts.URL+"/api/v1", client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// A wrong password is refused with the error envelope, decoded.
	bad, err := anon.LoginWithResponse(ctx, client.LoginJSONRequestBody{EmployeeNo: "staffA", Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	if bad.JSON401 == nil || bad.JSON401.Error.Code != "unauthorized" {
		t.Fatalf("wrong password: %d %s", bad.StatusCode(), bad.Body)
	}

	clerk, sup, hr := signIn("staffA"), signIn("supA"), signIn("hr")

	// Register an inquiry referred to staffB in department B.
	readBack := true
	disposition := client.Disposition("referred")
	note := "请尽快联系"
	toStaff := e.users["staffB"].ID
	// With an Idempotency-Key, as a client that may repeat it should.
	idemKey := client.IdempotencyKey("walkthrough-register-1")
	inq, err := clerk.CreateInquiryWithResponse(ctx, &client.CreateInquiryParams{IdempotencyKey: &idemKey}, client.CreateInquiryJSONRequestBody{
		Channel: "phone", Category: "complaint", Summary: "楼道灯坏了三天无人修",
		VisitorName: ptr("王先生"), VisitorPhone: ptr("138 0013 8000"), ReadBackConfirmed: &readBack, Disposition: &disposition,
		Referral: &client.ReferralCreate{ToDepartmentId: e.depts["B"].ID, ToStaffId: &toStaff, Note: &note},
	})
	if err != nil {
		t.Fatal(err)
	}
	if inq.JSON201 == nil {
		t.Fatalf("register: %d %s", inq.StatusCode(), inq.Body)
	}
	if len(inq.JSON201.Referrals) != 1 || inq.JSON201.Referrals[0].ToStaffId == nil || *inq.JSON201.Referrals[0].ToStaffId != toStaff {
		t.Fatalf("the referral to staffB is missing: %s", inq.Body)
	}
	if inq.JSON201.Ref == "" {
		t.Fatalf("no reference: %s", inq.Body)
	}

	// The supervisor reports the clerk's violation; HR verifies it.
	desc := "来电报修 2 小时后才移交"
	inquiryID := inq.JSON201.Id
	reportKey := client.IdempotencyKey("walkthrough-report-1")
	v, err := sup.ReportViolationWithResponse(ctx, &client.ReportViolationParams{IdempotencyKey: &reportKey}, client.ReportViolationJSONRequestBody{
		StaffId: e.users["staffA"].ID, Type: "late_referral", Severity: "minor", InquiryId: &inquiryID,
		OccurredAt: e.clock.Now().Add(-2 * time.Hour), Description: &desc,
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.JSON201 == nil {
		t.Fatalf("report: %d %s", v.StatusCode(), v.Body)
	}
	verified, err := hr.VerifyViolationWithResponse(ctx, v.JSON201.Id, client.VerifyViolationJSONRequestBody{Note: ptr("录音核实")})
	if err != nil {
		t.Fatal(err)
	}
	if verified.JSON200 == nil || verified.JSON200.State != "verified" || verified.JSON200.Sanction != "education" {
		t.Fatalf("verify: %d %s", verified.StatusCode(), verified.Body)
	}
	// The reporter may not verify their own report (four eyes).
	again, err := sup.VerifyViolationWithResponse(ctx, v.JSON201.Id, client.VerifyViolationJSONRequestBody{})
	if err != nil {
		t.Fatal(err)
	}
	if again.StatusCode() < 400 {
		t.Fatalf("a second verification answered %d", again.StatusCode())
	}

	// The clerk's own score counts the verified violation.
	scores, err := clerk.MyScoresWithResponse(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if scores.JSON200 == nil {
		t.Fatalf("/me/scores: %d %s", scores.StatusCode(), scores.Body)
	}
	s := scores.JSON200
	found := false
	for _, it := range s.Items {
		if it.RecordId == v.JSON201.Id && it.Points < 0 {
			found = true
		}
	}
	if !found || s.Deductions <= 0 || s.Final >= s.Base || s.EmployeeNo != "staffA" {
		t.Fatalf("/me/scores does not count the violation: %s", scores.Body)
	}
}

// TestClientUpToDate regenerates the client from api/openapi.yaml with the
// pinned oapi-codegen (go tool) and fails if the committed file differs:
// run `go generate ./api/client` after changing the document.
func TestClientUpToDate(t *testing.T) {
	// The committed configuration, writing into a temporary file instead.
	config, err := os.ReadFile(filepath.Join("client", "oapi-codegen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "client.gen.go")
	config = bytes.Replace(config, []byte("output: client.gen.go"), []byte("output: "+out), 1)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", filepath.Join(dir, "config.yaml"), "../openapi.yaml")
	cmd.Dir = "client"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("client", "client.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("api/client/client.gen.go is stale: run `go generate ./api/client` and commit the result")
	}
}
