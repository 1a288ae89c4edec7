package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firstask/models"
)

// TestAuditHeadMissingIsA500NamingIt: with the audit head rows deleted
// every write answered 404; now a 500 names the cause and verify reports
// it. Anchors go in as ?anchor=SEGMENT:SEQ:HASH (repeated) or the single
// anchor_segment/anchor_seq/anchor_hash.
func TestAuditHeadMissingIsA500NamingIt(t *testing.T) {
	e := newTestEnv(t)
	v := e.as("hr", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK)
	var before models.AuditVerification
	v.decode(&before)
	if !before.OK || before.Head == nil || len(before.Heads) < 2 || before.Heads[0] != *before.Head {
		t.Fatalf("intact trail: %s", v.Body)
	}
	// The anchor round trip: the heads just recorded verify.
	q := url.Values{}
	for _, h := range before.Heads {
		q.Add("anchor", fmt.Sprintf("%d:%d:%s", h.Segment, h.Seq, h.Hash))
	}
	e.as("hr", "GET", "/api/v1/audit/verify?"+q.Encode(), nil).want(http.StatusOK).decode(&before)
	if !before.OK {
		t.Fatalf("anchored verify of an intact trail: %+v", before)
	}
	last := before.Heads[len(before.Heads)-1]
	wrong := strings.Repeat("0", 64)
	var after models.AuditVerification
	e.as("hr", "GET", fmt.Sprintf("/api/v1/audit/verify?anchor_segment=%d&anchor_seq=%d&anchor_hash=%s", last.Segment, last.Seq, wrong), nil).
		want(http.StatusOK).decode(&after)
	if after.OK || *after.BrokenSegment != last.Segment || *after.BrokenAt != last.Seq {
		t.Fatalf("a wrong anchor passed: %+v", after)
	}
	e.as("hr", "GET", "/api/v1/audit/verify?anchor_seq=x", nil).wantError(http.StatusUnprocessableEntity, "invalid")
	e.as("hr", "GET", "/api/v1/audit/verify?anchor=1:"+wrong, nil).wantError(http.StatusUnprocessableEntity, "invalid")
	db, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM audit_head"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM audit_segments"); err != nil {
		t.Fatal(err)
	}
	d := e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "NEW", "name": "新部门"}).wantError(http.StatusInternalServerError, "internal")
	if !strings.Contains(d.Message, "audit_segments") {
		t.Fatalf("500 does not name the cause: %q", d.Message)
	}
	e.as("hr", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK).decode(&after)
	if after.OK || !strings.Contains(after.Reason, "audit_head") {
		t.Fatalf("verify without a head: %+v", after)
	}
}
