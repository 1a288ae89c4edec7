package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

func (s *Server) listDepartments(c *gin.Context) {
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ds, err := s.store.ListDepartments(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pageOfAll(ds, p))
}

func (s *Server) createDepartment(c *gin.Context) {
	var in models.DepartmentInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.CreateDepartment(c.Request.Context(), actor(c), in)
	s.reply(c, http.StatusCreated, out, err)
}

func (s *Server) updateDepartment(c *gin.Context) {
	var in models.DepartmentInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		out, err := s.store.UpdateDepartment(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) listStaff(c *gin.Context) {
	q := s.query(c)
	f := models.StaffFilter{Page: q.Page(), Role: queryEnum(q, "role", models.AllRoles...), Query: q.String("q"),
		DepartmentID: q.ID("department_id"), Active: q.Bool("active")}
	if err := q.Err(); err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListStaff(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, list(items, total, f.Page), err)
}

func (s *Server) createStaff(c *gin.Context) {
	var in models.StaffInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.CreateStaff(c.Request.Context(), actor(c), in)
	s.reply(c, http.StatusCreated, out, err)
}

func (s *Server) getStaff(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.store.GetStaff(c.Request.Context(), actor(c), id)
	s.reply(c, http.StatusOK, st, err)
}

func (s *Server) updateStaff(c *gin.Context) {
	var in models.StaffInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		out, err := s.store.UpdateStaff(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusOK, out, err)
	}
}

func (s *Server) listAbsences(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListAbsences(c.Request.Context(), actor(c), id, p)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, total, p))
}

func (s *Server) createAbsence(c *gin.Context) {
	var in models.AbsenceInput
	if id, ok := s.idAndBody(c, &in, false); ok {
		out, err := s.store.CreateAbsence(c.Request.Context(), actor(c), id, in)
		s.reply(c, http.StatusCreated, out, err)
	}
}

// absenceIDs reads the staff id and the absence id of the path.
func absenceIDs(c *gin.Context) (staffID, absenceID int64, err error) {
	if staffID, err = pathID(c, "id"); err == nil {
		absenceID, err = pathID(c, "absence_id")
	}
	return staffID, absenceID, err
}

func (s *Server) updateAbsence(c *gin.Context) {
	staffID, absenceID, err := absenceIDs(c)
	var in models.AbsencePatch
	if err == nil {
		err = decodeJSON(c, &in)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.UpdateAbsence(c.Request.Context(), actor(c), staffID, absenceID, in)
	s.reply(c, http.StatusOK, out, err)
}

func (s *Server) deleteAbsence(c *gin.Context) {
	staffID, absenceID, err := absenceIDs(c)
	if err == nil {
		err = s.store.DeleteAbsence(c.Request.Context(), actor(c), staffID, absenceID)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listAudit(c *gin.Context) {
	q := s.query(c)
	f := models.AuditFilter{Page: q.Page(), Entity: q.String("entity"), EntityID: q.ID("entity_id")}
	if err := q.Err(); err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListAudit(c.Request.Context(), actor(c), f)
	s.reply(c, http.StatusOK, list(items, total, f.Page), err)
}

func (s *Server) verifyAudit(c *gin.Context) {
	// Anchors recorded earlier (heads of a previous verification or of the
	// serve log): ?anchor=SEGMENT:SEQ:HASH, repeated, and the single form
	// ?anchor_segment=S&anchor_seq=N&anchor_hash=H (segment 1 when absent).
	var anchors []models.AuditAnchor
	bad := func(field, msg string) {
		s.fail(c, models.Invalid(models.FieldProblem{Field: field, Message: msg}))
	}
	if seg, seq, hash := c.Query("anchor_segment"), c.Query("anchor_seq"), c.Query("anchor_hash"); seg != "" || seq != "" || hash != "" {
		n, err := strconv.ParseInt(seq, 10, 64)
		if err != nil || n < 1 || len(hash) != 64 {
			bad("anchor_seq", "give anchor_seq (a positive number) and anchor_hash (64 hex digits) together")
			return
		}
		an := models.AuditAnchor{Segment: 1, Seq: n, Hash: hash}
		if seg != "" {
			if an.Segment, err = strconv.ParseInt(seg, 10, 64); err != nil || an.Segment < 1 {
				bad("anchor_segment", "must be a positive number")
				return
			}
		}
		anchors = append(anchors, an)
	}
	for _, v := range c.QueryArray("anchor") {
		parts := strings.Split(v, ":")
		var an models.AuditAnchor
		var err1, err2 error
		if len(parts) == 3 {
			an.Segment, err1 = strconv.ParseInt(parts[0], 10, 64)
			an.Seq, err2 = strconv.ParseInt(parts[1], 10, 64)
			an.Hash = parts[2]
		}
		if len(parts) != 3 || err1 != nil || err2 != nil || an.Segment < 1 || an.Seq < 1 || len(an.Hash) != 64 {
			bad("anchor", "each anchor is SEGMENT:SEQ:HASH (positive numbers and 64 hex digits)")
			return
		}
		anchors = append(anchors, an)
	}
	res, err := s.store.VerifyAuditAnchor(c.Request.Context(), actor(c), anchors...)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
