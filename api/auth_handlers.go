package api

import (
	"context"
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
	no, ok := models.NormalizeEmployeeNo(req.EmployeeNo)
	if !ok {
		s.fail(c, models.Invalid(models.FieldProblem{Field: "employee_no", Message: "is not a valid employee number (letters, digits, '_' or '-')"}))
		return
	}
	// Each attempt is reserved in the database before the password is
	// checked: however many arrive at once, on however many instances, at
	// most MaxAccountFailures per account (MaxIPFailures per address) are
	// evaluated in a window.
	ctx := c.Request.Context()
	account, ip := models.AccountKey(no), models.AddressKey(c.ClientIP())
	if !s.reserve(c, ip, models.MaxIPFailures) {
		return
	}
	if !s.reserve(c, account, models.MaxAccountFailures) {
		s.store.ReleaseAttempt(context.WithoutCancel(ctx), ip)
		return
	}
	sess, err := s.store.Login(ctx, requestID(c), no, req.Password, s.opts.TokenTTL)
	if err != nil {
		if models.ErrorCode(err) != models.EUnauthorized { // not a failed guess: give both back
			s.store.ReleaseAttempt(context.WithoutCancel(ctx), account)
			s.store.ReleaseAttempt(context.WithoutCancel(ctx), ip)
		}
		s.fail(c, err)
		return
	}
	// A success gives back its own reservation only: the failures of the
	// window stay counted, or a right password inside a burst would open
	// the account to five more guesses.
	s.store.ReleaseAttempt(context.WithoutCancel(ctx), account)
	s.store.ReleaseAttempt(context.WithoutCancel(ctx), ip)
	c.JSON(http.StatusOK, loginResponse{Token: sess.Token, ExpiresAt: rfc3339(sess.ExpiresAt), Staff: sess.Staff})
}

// reserve takes one attempt for key; when it is used up it answers 429
// with Retry-After and returns false.
func (s *Server) reserve(c *gin.Context, key string, limit int) bool {
	err := s.store.ReserveAttempt(c.Request.Context(), key, limit)
	var te *models.ThrottledError
	switch {
	case errors.As(err, &te):
		c.Header("Retry-After", fmt.Sprint(int(math.Ceil(te.Wait.Seconds()))))
		s.fail(c, te.Throttled())
		return false
	case err != nil:
		s.fail(c, err)
		return false
	}
	return true
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
