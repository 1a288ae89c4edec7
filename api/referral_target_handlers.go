package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// listReferralTargets answers the referral picker: the names and ids of a
// department's active staff, open to everyone who may register inquiries.
func (s *Server) listReferralTargets(c *gin.Context) {
	deptID, err := queryInt(c, "department_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.ReferralTargets(c.Request.Context(), actor(c), deptID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
