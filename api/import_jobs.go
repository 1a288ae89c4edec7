package api

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
)

// asyncImportRows is the size from which a staff import runs as a job
// (202 and a status resource) instead of in the request: at ~60 ms of
// bcrypt a new account, 200 rows are a few seconds on two cores. Smaller
// imports answer at once, as before; ?async=true makes any import a job.
const asyncImportRows = 200

// importJobStale is how long a running job may go without a sign of
// progress before its status says the instance running it stopped.
const importJobStale = 5 * time.Minute

// ImportJob is the status of a staff import running in the background.
type ImportJob struct {
	ID    string `json:"id"`
	State string `json:"state"` // running, done, failed
	// Rows is the number of rows of the file; Hashed and ToHash the new
	// accounts whose passwords are done, of all (the long part).
	Rows   int `json:"rows"`
	Hashed int `json:"hashed"`
	ToHash int `json:"to_hash"`
	// Result is the summary once done (without the passwords).
	Result *models.StaffImportSummary `json:"result"`
	// Error is the refusal once failed (as the synchronous answer's error).
	Error *ErrorDetail `json:"error"`
	// PasswordsURL downloads the generated passwords, once; null when
	// there are none or they were downloaded.
	PasswordsURL *string    `json:"passwords_url"`
	CreatedAt    time.Time  `json:"created_at"`
	FinishedAt   *time.Time `json:"finished_at"`
}

// Jobs live in the database (models.ImportJobRecord), so that any
// instance answers the status URL and hands the passwords over; the
// passwords are sealed with a key derived from the sign-in token that
// started the import (passwordsKey), which the database does not hold.

// jobView is the status resource of a job's record; a job still running
// that has shown no progress for importJobStale is reported failed (the
// instance running it stopped: its one transaction committed all or none).
func (s *Server) jobView(r models.ImportJobRecord) ImportJob {
	v := ImportJob{ID: r.ID, State: r.State, Rows: r.RowsTotal, Hashed: r.Hashed, ToHash: r.ToHash,
		CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt}
	if r.Result != nil {
		var sum models.StaffImportSummary
		if json.Unmarshal([]byte(*r.Result), &sum) == nil {
			v.Result = &sum
		}
	}
	if r.Error != nil {
		var d ErrorDetail
		if json.Unmarshal([]byte(*r.Error), &d) == nil {
			v.Error = &d
		}
	}
	if r.Passwords != nil {
		u := "/api/v1/staff/import/jobs/" + r.ID + "/passwords.xlsx"
		v.PasswordsURL = &u
	}
	if v.State == "running" && s.opts.Now().Sub(r.UpdatedAt) > importJobStale {
		v.State = "failed"
		v.Error = &ErrorDetail{Code: models.EInternal, Message: "the instance running the import stopped before it reported an end: " +
			"the import is one transaction, so either every account of the file was written or none; check the staff list and import again if needed"}
	}
	return v
}

func newJobID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// passwordsKey is the key that seals a job's passwords: derived from the
// sign-in token that started it (the database keeps only its hash) and
// the job's id. Only a request bearing that token opens them.
func passwordsKey(token, jobID string) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("firstask import passwords " + jobID))
	return m.Sum(nil)
}

// sealPasswords encrypts the generated passwords (AES-256-GCM).
func sealPasswords(key []byte, pw []models.InitialPassword) ([]byte, error) {
	plain, err := json.Marshal(pw)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, nil), nil
}

// errWrongSeal is the answer to a download with another sign-in than
// the import's.
var errWrongSeal = models.Errorf(models.ENotFound, "no passwords to download with this sign-in: they are sealed to the sign-in that started the import "+
	"(signed out or signed in again since, they cannot be opened: reset those accounts' passwords with PATCH /staff/{id})")

// openPasswords decrypts what sealPasswords sealed.
func openPasswords(key, sealed []byte) ([]models.InitialPassword, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errWrongSeal
	}
	plain, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
	if err != nil {
		return nil, errWrongSeal
	}
	var pw []models.InitialPassword
	if err := json.Unmarshal(plain, &pw); err != nil {
		return nil, err
	}
	return pw, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// startImportJob runs a checked import in the background and answers 202
// with its status resource.
func (s *Server) startImportJob(c *gin.Context, a models.Actor, rows []models.StaffImportRow, lang reports.Lang) {
	id := newJobID()
	key := passwordsKey(c.GetString(ctxToken), id)
	job, err := s.store.CreateImportJob(c.Request.Context(), a,
		models.ImportJobRecord{ID: id, OwnerID: a.StaffID, Lang: string(lang), State: "running", RowsTotal: len(rows)})
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := context.WithoutCancel(c.Request.Context())
	var (
		mu   sync.Mutex // the hashing reports from every core
		last time.Time
	)
	ctx = models.WithImportProgress(ctx, func(done, total int) {
		// A row of the database, not a counter in memory: at most a few
		// updates a second.
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); done == total || now.Sub(last) >= 500*time.Millisecond {
			last = now
			if err := s.store.ImportJobProgress(ctx, id, done, total); err != nil {
				s.log.Warn("import job progress", "job", id, "error", err)
			}
		}
	})
	go func() {
		sum, err := s.store.ImportStaff(ctx, a, rows)
		state, result, refusal := "done", (*string)(nil), (*string)(nil)
		var sealed []byte
		if err != nil {
			state = "failed"
			d, _ := json.Marshal(jobError(books.StoreProblems(err, lang)))
			refusal = ptrString(string(d))
		} else {
			if len(sum.InitialPasswords) > 0 {
				if sealed, err = sealPasswords(key, sum.InitialPasswords); err != nil {
					s.log.Error("import job: sealing the passwords", "job", id, "error", err)
				}
			}
			sum.InitialPasswords = []models.InitialPassword{}
			r, _ := json.Marshal(sum)
			result = ptrString(string(r))
		}
		if err := s.store.FinishImportJob(ctx, a, id, state, result, refusal, sealed); err != nil {
			s.log.Error("import job: recording its end", "job", id, "error", err)
		}
	}()
	c.Header("Location", "/api/v1/staff/import/jobs/"+id)
	c.JSON(http.StatusAccepted, s.jobView(job))
}

func ptrString(v string) *string { return &v }

// getImportJob answers a job's status (only to the person who started it).
func (s *Server) getImportJob(c *gin.Context) {
	job, err := s.store.ImportJob(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.jobView(job))
}

// importJobPasswords downloads a finished job's generated passwords once,
// with the sign-in that started the import; afterwards (or when there
// were none) it is a 404.
func (s *Server) importJobPasswords(c *gin.Context) {
	id := c.Param("id")
	var pw []models.InitialPassword
	jobLang, err := s.store.TakeImportJobPasswords(c.Request.Context(), actor(c), id, func(sealed []byte) error {
		var err error
		pw, err = openPasswords(passwordsKey(c.GetString(ctxToken), id), sealed)
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := reports.Lang(jobLang)
	rows := make([]reports.InitialPassword, len(pw))
	for i, p := range pw {
		rows[i] = reports.InitialPassword{EmployeeNo: p.EmployeeNo, Name: p.Name, Password: p.Password}
	}
	a := newAttachment(c, pick(lang, "初始密码.xlsx", "initial-passwords.xlsx"), "initial-passwords.xlsx")
	s.finishAttachment(c, a, reports.WriteInitialPasswords(a, lang, s.opts.Organisation, rows))
}

// jobError is the error envelope's detail of a failed job; an internal
// error is logged by the caller's log and shown without its cause.
func jobError(err error) ErrorDetail {
	code := models.ErrorCode(err)
	if _, ok := statusOf[code]; !ok || code == models.EInternal {
		return ErrorDetail{Code: models.EInternal, Message: "internal error: the import was not taken"}
	}
	d := ErrorDetail{Code: code, Message: models.ErrorMessage(err)}
	var e *models.Error
	if errors.As(err, &e) {
		d.Details = e.Details
	}
	return d
}
