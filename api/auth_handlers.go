package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

type loginRequest struct {
	EmployeeNo string `json:"employee_no"`
	Password   string `json:"password"`
}

type loginResponse struct {
	Token     string       `json:"token"`
	ExpiresAt string       `json:"expires_at"`
	Staff     models.Staff `json:"staff"`
}

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	var v models.Validation
	v.Check(strings.TrimSpace(req.EmployeeNo) != "", "employee_no", "is required")
	v.Check(req.Password != "", "password", "is required")
	if err := v.Err(); err != nil {
		s.fail(c, err)
		return
	}
	sess, err := s.store.SignIn(c.Request.Context(), requestID(c), req.EmployeeNo, req.Password, c.ClientIP(), s.opts.TokenTTL)
	var te *models.ThrottledError
	if errors.As(err, &te) {
		c.Header("Retry-After", fmt.Sprint(int(math.Ceil(te.Wait.Seconds()))))
		err = te.Throttled()
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: rfc3339(sess.ExpiresAt), Staff: sess.Staff})
}

func (s *Server) logout(c *gin.Context) {
	if err := s.store.Logout(c.Request.Context(), actor(c), c.GetString(ctxToken)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) {
	a := actor(c)
	st, err := s.store.GetStaff(c.Request.Context(), a, a.StaffID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) changePassword(c *gin.Context) {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.ChangePassword(c.Request.Context(), actor(c), c.GetString(ctxToken), req.CurrentPassword, req.NewPassword); err != nil {
		if models.ErrorCode(err) == models.ERateLimited {
			c.Header("Retry-After", fmt.Sprint(int(models.ThrottleWindow.Seconds())))
		}
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
