package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

// statusOf is the one table mapping error codes to HTTP statuses.
var statusOf = map[string]int{
	models.EMalformed:    http.StatusBadRequest,
	models.EUnauthorized: http.StatusUnauthorized,
	models.EForbidden:    http.StatusForbidden,
	models.ENotFound:     http.StatusNotFound,
	models.EConflict:     http.StatusConflict,
	models.ETooLarge:     http.StatusRequestEntityTooLarge,
	models.EUnsupported:  http.StatusUnsupportedMediaType,
	models.EInvalid:      http.StatusUnprocessableEntity,
	models.ERateLimited:  http.StatusTooManyRequests,
	models.EInternal:     http.StatusInternalServerError,
}

// ErrorBody is the error envelope every failing response carries.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the content of the error envelope. Details is always
// present, [] when there is nothing to list, so that clients can iterate
// it without a presence check.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details []any  `json:"details"`
}

// MarshalJSON writes a nil Details as [].
func (d ErrorDetail) MarshalJSON() ([]byte, error) {
	type plain ErrorDetail
	if d.Details == nil {
		d.Details = []any{}
	}
	return json.Marshal(plain(d))
}

// fail renders err in the error envelope. Internal errors are logged with
// the request id and shown only as that id.
func (s *Server) fail(c *gin.Context, err error) {
	code := models.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := ErrorDetail{Code: code, Message: models.ErrorMessage(err)}
	var e *models.Error
	if errors.As(err, &e) {
		body.Details = e.Details
	}
	if status == http.StatusInternalServerError {
		rid := requestID(c)
		s.log.Error("internal error", slog.String("request_id", rid), slog.String("route", c.FullPath()), slog.Any("error", err))
		body = ErrorDetail{Code: models.EInternal, Message: "internal error; quote request id " + rid}
		if e != nil && e.Code == models.EInternal {
			// A known fault an operator must fix (the audit head row is
			// gone): name it instead of hiding it.
			body.Message = e.Message + "; request id " + rid
		}
	}
	uploadFallback(c, &body, requestID(c))
	c.AbortWithStatusJSON(status, ErrorBody{Error: body})
}

func (s *Server) failCode(c *gin.Context, code, format string, args ...any) {
	s.fail(c, models.Errorf(code, format, args...))
}
