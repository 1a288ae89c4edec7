package reports

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"testing"
)

// FuzzReadResults feeds arbitrary bytes to the upload reader: it must never
// panic, and must answer with rows or with one of its documented errors.
func FuzzReadResults(f *testing.F) {
	good := filledTemplate(f, 20)
	f.Add(good)
	if lo, err := os.ReadFile("testdata/results-libreoffice.xlsx"); err == nil {
		f.Add(lo)
	}
	f.Add(good[:len(good)*2/3])
	rnd := rand.New(rand.NewPCG(3, 4))
	random := make([]byte, 2048)
	for i := range random {
		random[i] = byte(rnd.UintN(256))
	}
	f.Add(random)
	f.Add(emptyZip(f))
	f.Add(sheetBook(f, []any{"工号", "基础绩效分"}, []any{"1", "x"}, []any{"1", 101}))

	limits := UploadLimits{MaxRows: 1000, UnzipSizeLimit: 8 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadResults(bytes.NewReader(data), limits)
		var pe *ParseError
		switch {
		case err == nil:
			if len(rows) == 0 {
				t.Fatal("no rows and no error")
			}
		case errors.As(err, &pe):
			if len(pe.Problems) == 0 {
				t.Fatal("a ParseError without problems")
			}
		case errors.Is(err, ErrNotXLSX), errors.Is(err, ErrTooLarge), errors.Is(err, ErrTooManyRows):
			if rows != nil {
				t.Fatalf("rows with %v", err)
			}
		default:
			t.Fatalf("undocumented error: %v", err)
		}
		for _, r := range rows {
			if r.EmployeeNo == "" || r.Row < 2 || r.Score < 0 || r.Score > 100 {
				t.Fatalf("bad row accepted: %+v", r)
			}
		}
	})
}

// filledTemplate is the results template with n people, every score filled.
func filledTemplate(t testing.TB, n int) []byte {
	t.Helper()
	rows := make([]TemplateRow, n)
	for i := range rows {
		rows[i] = TemplateRow{
			EmployeeNo: "E" + itoa(100000+i),
			Name:       "员工" + itoa(i),
			Department: "客服中心",
			BaseScore:  ptr(float64(60 + i%41)),
		}
	}
	var buf bytes.Buffer
	if err := WriteResultsTemplate(&buf, "2026-10", LangZH, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
