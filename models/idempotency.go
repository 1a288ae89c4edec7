package models

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
)

// IdempotencyTTL is how long the first answer to a request with an
// Idempotency-Key is kept and replayed.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyKey identifies a creating request a client may repeat: the
// client's key, the route it was sent to (Scope) and a hash of its body.
// A repeat by the same actor with the same scope and key within
// IdempotencyTTL gets the first answer back instead of a second creation;
// with another body it is refused (EInvalid).
type IdempotencyKey struct {
	Scope    string
	Key      string
	BodyHash string
}

// Replay is returned instead of running a request whose key already has an
// answer: the status and JSON body to send again.
type Replay struct {
	Status int
	Body   []byte
}

// Error implements the error interface.
func (r *Replay) Error() string { return "replay of an earlier answer" }

type idemKeyCtx struct{}

// WithIdempotencyKey returns ctx carrying k for the creating store method
// it is passed to.
func WithIdempotencyKey(ctx context.Context, k IdempotencyKey) context.Context {
	return context.WithValue(ctx, idemKeyCtx{}, k)
}

// errRerun asks write to run the transaction again at once: another
// transaction claimed the same idempotency key meanwhile, and the rerun
// finds its answer.
var errRerun = errors.New("rerun the transaction")

type idempotencyRow struct {
	ActorID   int64
	Scope     string
	IdemKey   string
	BodyHash  string
	Status    int
	Response  string
	CreatedAt time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// claimIdempotency is the first step of a creating transaction whose
// context carries a key: it answers a *Replay when the key already has an
// answer, EInvalid when it was used with another body, and otherwise
// reserves the key (the reservation blocks a concurrent twin until this
// transaction ends). It returns whether the context carried a key.
func (tx *Tx) claimIdempotency(ctx context.Context) (bool, error) {
	k, ok := ctx.Value(idemKeyCtx{}).(IdempotencyKey)
	if !ok {
		return false, nil
	}
	cutoff := tx.now.Add(-IdempotencyTTL)
	// Expire on write: this actor's answers older than the TTL go first.
	if err := tx.db.Where("actor_id = ? AND created_at <= ?", tx.actor.StaffID, cutoff).Delete(&idempotencyRow{}).Error; err != nil {
		return true, err
	}
	var rows []idempotencyRow
	if err := tx.db.Where("actor_id = ? AND scope = ? AND idem_key = ?", tx.actor.StaffID, k.Scope, k.Key).Limit(1).Find(&rows).Error; err != nil {
		return true, err
	}
	if len(rows) == 1 {
		if rows[0].BodyHash != k.BodyHash {
			return true, Invalid(FieldProblem{"Idempotency-Key", "was used within 24 hours for a request with another body"})
		}
		return true, &Replay{Status: rows[0].Status, Body: []byte(rows[0].Response)}
	}
	err := tx.db.Create(&idempotencyRow{ActorID: tx.actor.StaffID, Scope: k.Scope, IdemKey: k.Key, BodyHash: k.BodyHash, Response: "", CreatedAt: tx.now}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true, errRerun
	}
	return true, err
}

// rememberIdempotency stores the answer of a creating transaction under
// the key claimIdempotency reserved, in the same transaction.
func (tx *Tx) rememberIdempotency(ctx context.Context, status int, body any) error {
	k, ok := ctx.Value(idemKeyCtx{}).(IdempotencyKey)
	if !ok {
		return nil
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return tx.db.Model(&idempotencyRow{}).Where("actor_id = ? AND scope = ? AND idem_key = ?", tx.actor.StaffID, k.Scope, k.Key).
		Updates(map[string]any{"status": status, "response": string(b)}).Error
}
