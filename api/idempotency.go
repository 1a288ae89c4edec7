package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

// idempotencyHeader names the request header of a creating POST that a
// client may repeat after a timeout (see docs/deploy.md).
const idempotencyHeader = "Idempotency-Key"

// idempotent returns the request's context carrying its Idempotency-Key,
// scoped to the route, with a hash of the body; without the header the
// context is returned as it is. The body is read and put back for
// decodeJSON. A key is 1 to 255 visible ASCII characters.
func idempotent(c *gin.Context, scope string) (context.Context, error) {
	ctx := c.Request.Context()
	key := c.GetHeader(idempotencyHeader)
	if key == "" {
		return ctx, nil
	}
	if len(key) > 255 || !visibleASCII(key) {
		return ctx, models.Invalid(models.FieldProblem{Field: idempotencyHeader, Message: "must be 1 to 255 visible ASCII characters"})
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ctx, models.Errorf(models.ETooLarge, "the body is larger than %d bytes", tooBig.Limit)
		}
		return ctx, models.Errorf(models.EMalformed, "the body could not be read")
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	return models.WithIdempotencyKey(ctx, models.IdempotencyKey{Scope: scope, Key: key, BodyHash: hex.EncodeToString(sum[:])}), nil
}

func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// replayed answers a request whose Idempotency-Key already has an answer
// with that answer, marked by the header Idempotent-Replayed: true, and
// reports whether it did.
func replayed(c *gin.Context, err error) bool {
	var r *models.Replay
	if !errors.As(err, &r) {
		return false
	}
	c.Header("Idempotent-Replayed", "true")
	c.Data(r.Status, "application/json; charset=utf-8", r.Body)
	return true
}
