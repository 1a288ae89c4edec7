package api

import (
	"net/http"
	"strings"
	"testing"

	"firstask/models"
)

// TestAuditHeadMissingIsA500NamingIt: with the audit_head row deleted every
// write answered 404; now a 500 names the cause and verify reports it.
func TestAuditHeadMissingIsA500NamingIt(t *testing.T) {
	e := newTestEnv(t)
	v := e.as("hr", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK)
	var before models.AuditVerification
	v.decode(&before)
	if !before.OK || before.Head == nil {
		t.Fatalf("intact chain: %s", v.Body)
	}
	// The anchor round trip: the head just recorded verifies.
	e.as("hr", "GET", "/api/v1/audit/verify?anchor_seq="+id(before.Head.Seq)+"&anchor_hash="+before.Head.Hash, nil).want(http.StatusOK)
	e.as("hr", "GET", "/api/v1/audit/verify?anchor_seq=x", nil).wantError(http.StatusUnprocessableEntity, "invalid")
	db, err := e.store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM audit_head"); err != nil {
		t.Fatal(err)
	}
	d := e.as("hr", "POST", "/api/v1/departments", map[string]any{"code": "NEW", "name": "新部门"}).wantError(http.StatusInternalServerError, "internal")
	if !strings.Contains(d.Message, "audit_head") {
		t.Fatalf("500 does not name the cause: %q", d.Message)
	}
	var after models.AuditVerification
	e.as("hr", "GET", "/api/v1/audit/verify", nil).want(http.StatusOK).decode(&after)
	if after.OK || !strings.Contains(after.Reason, "audit_head") {
		t.Fatalf("verify without a head: %+v", after)
	}
}
