package books

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// counted yields n records (praise for odd ids) and counts how many were
// pulled, so that a test can see how far ahead WithNotes read.
func counted(n int, pulled *int) iter.Seq[*models.CountedRecord] {
	return func(yield func(*models.CountedRecord) bool) {
		for i := 1; i <= n; i++ {
			*pulled = i
			rec := models.CountedRecord{ID: int64(i), Kind: scoring.RecordViolation}
			if i%2 == 1 {
				rec.Kind = scoring.RecordPraise
			}
			if i%3 == 0 { // a closed month's snapshot carries its refs
				rec.InquiryRef = fmt.Sprintf("snapshot-%d", i)
			}
			if !yield(&rec) {
				return
			}
		}
	}
}

// TestWithNotesInOrder: every record comes back once, in order, with the
// note its read gave and the ref unless it had one, in batches of
// notesBatch read ahead of the writer.
func TestWithNotesInOrder(t *testing.T) {
	const n = 2*notesBatch + 17
	var pulled, reads int
	var sizes []int
	records := WithNotes(counted(n, &pulled), func(keys []models.RecordKey) (map[models.RecordKey]models.RecordNote, error) {
		reads++
		sizes = append(sizes, len(keys))
		out := map[models.RecordKey]models.RecordNote{}
		for _, k := range keys {
			out[k] = models.RecordNote{Text: fmt.Sprintf("%s-%d", k.Kind, k.ID), InquiryRef: fmt.Sprintf("SW-%d", k.ID)}
		}
		return out, nil
	})
	next := int64(1)
	for rec := range records {
		if rec.ID != next {
			t.Fatalf("record %d came where %d was due", rec.ID, next)
		}
		if want := fmt.Sprintf("%s-%d", rec.Kind, rec.ID); rec.Note != want {
			t.Fatalf("record %d: note %q, want %q", rec.ID, rec.Note, want)
		}
		want := fmt.Sprintf("SW-%d", rec.ID)
		if rec.ID%3 == 0 {
			want = fmt.Sprintf("snapshot-%d", rec.ID)
		}
		if rec.InquiryRef != want {
			t.Fatalf("record %d: ref %q, want %q", rec.ID, rec.InquiryRef, want)
		}
		next++
	}
	if next != n+1 || reads != 3 || sizes[0] != notesBatch || sizes[2] != 17 {
		t.Fatalf("%d records, %d reads of %v; want %d records in 3 reads", next-1, reads, sizes, n)
	}
}

// TestWithNotesStopsEarly: a caller that stops after the first record
// leaves the reading goroutine finished (WithNotes has returned), having
// pulled at most the batches it may hold ahead, not the whole month.
func TestWithNotesStopsEarly(t *testing.T) {
	var pulled int
	records := WithNotes(counted(100*notesBatch, &pulled), func(keys []models.RecordKey) (map[models.RecordKey]models.RecordNote, error) {
		return nil, errors.New("the database is gone")
	})
	seen := 0
	for rec := range records {
		if rec.Note != "" {
			t.Fatalf("a failed read gave the note %q", rec.Note)
		}
		seen++
		break
	}
	// pulled is written by the reader, which has ended: no race.
	if seen != 1 || pulled > 3*notesBatch {
		t.Fatalf("saw %d, the reader pulled %d records of %d; want 1 and at most %d", seen, pulled, 100*notesBatch, 3*notesBatch)
	}
}

// TestAppraisalDetailsMarkCappedPraise: in 明细 a praise that the monthly
// cap cut down says so after its type, as the personal sheet does; one
// that counted in full does not.
func TestAppraisalDetailsMarkCappedPraise(t *testing.T) {
	recs := []models.CountedRecord{
		{Kind: scoring.RecordPraise, ID: 1, StaffID: 7, PraiseKind: scoring.PraiseVisitorCommendation, Points: 0, RawPoints: 3, Capped: true},
		{Kind: scoring.RecordPraise, ID: 2, StaffID: 7, PraiseKind: scoring.PraiseVisitorCommendation, Points: 3, RawPoints: 3},
	}
	seq := func(yield func(*models.CountedRecord) bool) {
		for i := range recs {
			if !yield(&recs[i]) {
				return
			}
		}
	}
	for lang, mark := range map[reports.Lang]string{reports.LangZH: "超出月度加分上限", reports.LangEN: "over the monthly praise cap"} {
		wb := Appraisal(models.MonthScores{Month: scoring.Month{Year: 2026, Mon: 10}}, seq, nil, 0, lang)
		var types []string
		for d := range wb.Details {
			types = append(types, d.Type)
		}
		if len(types) != 2 || !strings.HasSuffix(types[0], " · "+mark) || strings.Contains(types[1], mark) {
			t.Errorf("%s: types %q, want the first marked %q and the second not", lang, types, mark)
		}
	}
}
