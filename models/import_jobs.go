package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// ImportJobRecord is a staff import running in the background, kept in
// the database so that every instance behind a load balancer answers for
// it (import_jobs). Result and Error are the JSON the status resource
// shows; Passwords are the generated passwords, sealed by the caller with
// a key the database does not hold, until they are taken.
type ImportJobRecord struct {
	ID         string `gorm:"primaryKey"`
	OwnerID    int64
	Lang       string
	State      string
	RowsTotal  int
	Hashed     int
	ToHash     int
	Result     *string
	Error      *string
	Passwords  []byte
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// TableName is the jobs' table.
func (ImportJobRecord) TableName() string { return "import_jobs" }

// importJobTTL is how long a finished job (and its passwords, if nobody
// took them) is kept.
const importJobTTL = 24 * time.Hour

// CreateImportJob records a job as it starts, and forgets the jobs that
// finished more than a day ago; it returns the job as recorded.
func (s *Store) CreateImportJob(ctx context.Context, a Actor, job ImportJobRecord) (ImportJobRecord, error) {
	err := s.write(ctx, a, func(tx *Tx) error {
		if err := tx.db.Where("finished_at < ?", tx.now.Add(-importJobTTL)).Delete(&ImportJobRecord{}).Error; err != nil {
			return err
		}
		job.CreatedAt, job.UpdatedAt = tx.now, tx.now
		if err := tx.db.Create(&job).Error; err != nil {
			return err
		}
		tx.audit("import_job.start", "import_job", 0, nil, map[string]any{"id": job.ID, "rows": job.RowsTotal})
		return nil
	})
	return job, err
}

// ImportJobProgress records how many new accounts' passwords are hashed,
// of how many. It is bookkeeping, not a change of the organisation's data:
// no audit entry (the import itself has its own).
func (s *Store) ImportJobProgress(ctx context.Context, id string, hashed, toHash int) error {
	return translate(s.db.WithContext(ctx).Model(&ImportJobRecord{}).Where("id = ? AND finished_at IS NULL", id).
		Updates(map[string]any{"hashed": hashed, "to_hash": toHash, "updated_at": s.Now()}).Error)
}

// FinishImportJob records a job's end: state done or failed, the summary
// or the refusal (JSON), and the sealed passwords (nil for none).
func (s *Store) FinishImportJob(ctx context.Context, a Actor, id, state string, result, refusal *string, passwords []byte) error {
	return s.write(ctx, a, func(tx *Tx) error {
		res := tx.db.Model(&ImportJobRecord{}).Where("id = ?", id).Updates(map[string]any{
			"state": state, "result": result, "error": refusal, "passwords": passwords, "updated_at": tx.now, "finished_at": tx.now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ENotFound, "no such import job")
		}
		tx.audit("import_job.finish", "import_job", 0, nil, map[string]any{"id": id, "state": state})
		return nil
	})
}

// ImportJob returns a job the actor started (ENotFound for any other),
// from the primary: the instance running it writes there.
func (s *Store) ImportJob(ctx context.Context, a Actor, id string) (ImportJobRecord, error) {
	var job ImportJobRecord
	err := s.db.WithContext(ctx).Where("id = ? AND owner_id = ?", id, a.StaffID).Take(&job).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return job, Errorf(ENotFound, "no such import job")
	}
	return job, translate(err)
}

// TakeImportJobPasswords hands a finished job's sealed passwords over to
// the actor who started it, once: open reports whether the caller could
// unseal them; only then are they dropped (and the download audited), so
// that a caller holding the wrong key leaves them for the right one. It
// returns the job's language.
func (s *Store) TakeImportJobPasswords(ctx context.Context, a Actor, id string, open func(sealed []byte) error) (string, error) {
	var lang string
	err := s.write(ctx, a, func(tx *Tx) error {
		var job ImportJobRecord
		err := tx.db.Where("id = ? AND owner_id = ? AND passwords IS NOT NULL", id, a.StaffID).Take(&job).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Errorf(ENotFound, "no passwords to download: the job is unknown, still running, created no account or its passwords were downloaded already")
		}
		if err != nil {
			return err
		}
		if err := open(job.Passwords); err != nil {
			return err
		}
		lang = job.Lang
		res := tx.db.Model(&ImportJobRecord{}).Where("id = ? AND passwords IS NOT NULL", id).Updates(map[string]any{"passwords": nil, "updated_at": tx.now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return Errorf(ENotFound, "no passwords to download: they were downloaded already")
		}
		tx.audit("import_job.passwords_download", "import_job", 0, nil, map[string]any{"id": id})
		return nil
	})
	return lang, err
}
