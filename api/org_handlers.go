package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

func (s *Server) listDepartments(c *gin.Context) {
	ds, err := s.store.ListDepartments(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if ds == nil {
		ds = []models.Department{}
	}
	c.JSON(http.StatusOK, gin.H{"items": ds})
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
	res, err := s.store.VerifyAudit(c.Request.Context(), actor(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
