package models

import (
	"context"

	"firstask/scoring"
)

// RecordKey names a counted record: its kind and id (a correction is the
// overturned violation's id).
type RecordKey struct {
	Kind scoring.RecordKind
	ID   int64
}

// noteChunk is how many ids one notes query asks for.
const noteChunk = 500

// RecordNote is a counted record's free text and the ref of the inquiry it
// names ("" for none).
type RecordNote struct {
	Text       string
	InquiryRef string
}

// RecordNotes returns the free text of counted records: a violation's (or
// correction's) description, a praise's reason; and the ref of the inquiry
// each names. The score queries leave that text out, so that an export of
// 200,000 records does not hold it all at once; a workbook asks for it a
// batch at a time as it writes the records. Neither changes once written
// (a description is fixed when the violation is reported, a ref when the
// inquiry is registered), so a batch read after the scores agrees with
// them. Records outside the actor's scope are left out of the answer.
func (s *Store) RecordNotes(ctx context.Context, a Actor, keys []RecordKey) (map[RecordKey]RecordNote, error) {
	var out map[RecordKey]RecordNote
	err := s.read(ctx, a, func(tx *Tx) error {
		scope, err := tx.resolveScoreScope(a, 0)
		if err != nil {
			return err
		}
		out, err = tx.recordNotes(keys, scope)
		return err
	})
	return out, err
}

// recordNotes reads the notes of keys within scope, noteChunk ids a query,
// with the refs of their inquiries.
func (tx *Tx) recordNotes(keys []RecordKey, scope scoreScope) (map[RecordKey]RecordNote, error) {
	out := make(map[RecordKey]RecordNote, len(keys))
	var violations, praises []int64
	for _, k := range keys {
		if k.Kind == scoring.RecordPraise {
			praises = append(praises, k.ID)
		} else {
			violations = append(violations, k.ID)
		}
	}
	cond, args := scope.clause("r.staff_id")
	read := func(table, col string, ids []int64, kinds ...scoring.RecordKind) error {
		for len(ids) > 0 {
			n := min(len(ids), noteChunk)
			q := tx.db.Table(table+" r").Select("r.id, r."+col+", COALESCE(i.ref, '')").
				Joins("LEFT JOIN inquiries i ON i.id = r.inquiry_id").Where("r.id IN ?", ids[:n])
			if cond != "" {
				q = q.Where(cond, args...)
			}
			rows, err := q.Rows()
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var note RecordNote
				if err := rows.Scan(&id, &note.Text, &note.InquiryRef); err != nil {
					rows.Close()
					return err
				}
				for _, k := range kinds {
					out[RecordKey{Kind: k, ID: id}] = note
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	}
	if err := read("violations", "description", violations, scoring.RecordViolation, scoring.RecordCorrection); err != nil {
		return nil, err
	}
	if err := read("praises", "reason", praises, scoring.RecordPraise); err != nil {
		return nil, err
	}
	return out, nil
}

// fillNotes sets the Note of every item of the results from the records'
// free text (used where one person's results are read).
func (tx *Tx) fillNotes(ms *MonthScores) error {
	var keys []RecordKey
	for i := range ms.Results {
		for _, it := range ms.Results[i].Items {
			keys = append(keys, RecordKey{Kind: it.Kind, ID: it.RecordID})
		}
	}
	if len(keys) == 0 {
		return nil
	}
	notes, err := tx.recordNotes(keys, scoreScope{})
	if err != nil {
		return err
	}
	for i := range ms.Results {
		for j := range ms.Results[i].Items {
			it := &ms.Results[i].Items[j]
			if n, ok := notes[RecordKey{Kind: it.Kind, ID: it.RecordID}]; ok {
				it.Note = n.Text
			}
		}
	}
	return nil
}
