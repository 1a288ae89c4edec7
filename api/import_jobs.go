package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// importJobTTL is how long a finished job (and its passwords, if nobody
// downloaded them) is kept.
const importJobTTL = 24 * time.Hour

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

	owner     int64
	lang      reports.Lang
	passwords []models.InitialPassword
}

// importJobs holds the jobs in memory: a restart forgets them (the
// accounts an interrupted job wrote stay; its passwords are lost and are
// reset with PATCH /staff/{id}).
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*ImportJob
}

func (j *importJobs) add(job *ImportJob) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jobs == nil {
		j.jobs = map[string]*ImportJob{}
	}
	for id, old := range j.jobs {
		if old.FinishedAt != nil && time.Since(*old.FinishedAt) > importJobTTL {
			delete(j.jobs, id)
		}
	}
	j.jobs[job.ID] = job
}

// view returns a copy of the job if the actor started it.
func (j *importJobs) view(id string, a models.Actor) (ImportJob, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok || job.owner != a.StaffID {
		return ImportJob{}, false
	}
	return *job, true
}

func (j *importJobs) update(id string, fn func(*ImportJob)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job, ok := j.jobs[id]; ok {
		fn(job)
	}
}

// takePasswords hands the job's passwords over once.
func (j *importJobs) takePasswords(id string, a models.Actor) ([]models.InitialPassword, reports.Lang, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.jobs[id]
	if !ok || job.owner != a.StaffID || job.passwords == nil {
		return nil, "", false
	}
	pw := job.passwords
	job.passwords, job.PasswordsURL = nil, nil
	return pw, job.lang, true
}

func newJobID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startImportJob runs a checked import in the background and answers 202
// with its status resource.
func (s *Server) startImportJob(c *gin.Context, a models.Actor, rows []models.StaffImportRow, lang reports.Lang) {
	job := &ImportJob{ID: newJobID(), State: "running", Rows: len(rows), CreatedAt: s.opts.Now(), owner: a.StaffID, lang: lang}
	s.importJobs.add(job)
	id := job.ID
	ctx := models.WithImportProgress(context.WithoutCancel(c.Request.Context()), func(done, total int) {
		s.importJobs.update(id, func(j *ImportJob) { j.Hashed, j.ToHash = done, total })
	})
	go func() {
		sum, err := s.store.ImportStaff(ctx, a, rows)
		now := s.opts.Now()
		s.importJobs.update(id, func(j *ImportJob) {
			j.FinishedAt = &now
			if err != nil {
				j.State = "failed"
				d := jobError(books.StoreProblems(err, lang))
				j.Error = &d
				return
			}
			j.State = "done"
			j.passwords = sum.InitialPasswords
			sum.InitialPasswords = []models.InitialPassword{}
			j.Result = &sum
			if len(j.passwords) > 0 {
				u := "/api/v1/staff/import/jobs/" + id + "/passwords.xlsx"
				j.PasswordsURL = &u
			}
		})
	}()
	view, _ := s.importJobs.view(id, a)
	c.Header("Location", "/api/v1/staff/import/jobs/"+id)
	c.JSON(http.StatusAccepted, view)
}

// getImportJob answers a job's status (only to the person who started it).
func (s *Server) getImportJob(c *gin.Context) {
	job, ok := s.importJobs.view(c.Param("id"), actor(c))
	if !ok {
		s.failCode(c, models.ENotFound, "no such import job")
		return
	}
	c.JSON(http.StatusOK, job)
}

// importJobPasswords downloads a finished job's generated passwords once;
// afterwards (or when there were none) it is a 404.
func (s *Server) importJobPasswords(c *gin.Context) {
	pw, lang, ok := s.importJobs.takePasswords(c.Param("id"), actor(c))
	if !ok {
		s.failCode(c, models.ENotFound, "no passwords to download: the job is unknown, still running, created no account or its passwords were downloaded already")
		return
	}
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
