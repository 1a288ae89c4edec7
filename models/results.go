package models

import (
	"time"

	"firstask/scoring"
)

// ResultUpload is one upload of a month's base results (月度考核结果). The
// latest upload of an open month is current; earlier ones stay as history
// with superseded_at set.
type ResultUpload struct {
	ID               int64      `json:"id"`
	Month            string     `json:"month"`
	Filename         string     `json:"filename"`
	RowCount         int        `json:"row_count"`
	ReplacedUploadID *int64     `json:"replaced_upload_id"`
	UploadedBy       int64      `json:"uploaded_by"`
	UploadedAt       time.Time  `json:"uploaded_at"`
	SupersededAt     *time.Time `json:"superseded_at"`
}

// BaseResult is one person's uploaded base score in an upload.
type BaseResult struct {
	ID       int64   `json:"id"`
	UploadID int64   `json:"upload_id"`
	Month    string  `json:"month"`
	StaffID  int64   `json:"staff_id"`
	Score    float64 `json:"score"`
	Note     string  `json:"note"`
	RowNo    int     `json:"row_no"`
}

// currentUpload returns the month's current upload, or nil when none.
func (tx *Tx) currentUpload(month scoring.Month) (*ResultUpload, error) {
	var ups []ResultUpload
	if err := tx.db.Where("month = ? AND superseded_at IS NULL", month.String()).Order("id DESC").Limit(1).Find(&ups).Error; err != nil {
		return nil, err
	}
	if len(ups) == 0 {
		return nil, nil
	}
	return &ups[0], nil
}

// uploadedBases returns the month's uploaded base score per staff id from
// the current upload (empty when nothing was uploaded): one query.
func (tx *Tx) uploadedBases(month scoring.Month) (map[int64]BaseResult, error) {
	out := map[int64]BaseResult{}
	up, err := tx.currentUpload(month)
	if err != nil || up == nil {
		return out, err
	}
	var rows []BaseResult
	if err := tx.db.Where("upload_id = ?", up.ID).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.StaffID] = r
	}
	return out, nil
}
