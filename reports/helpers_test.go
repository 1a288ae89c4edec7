package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// openXLSX opens produced bytes with excelize, as a consumer would.
func openXLSX(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("opening the produced workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// cellValue reads one cell (formatted as Excel would show it).
func cellValue(t testing.TB, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("reading %s!%s: %v", sheet, ref, err)
	}
	return v
}

// rawValue reads one cell without number formatting.
func rawValue(t testing.TB, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("reading %s!%s: %v", sheet, ref, err)
	}
	return v
}

// rowValues reads a row of cells from col A on.
func rowValues(t testing.TB, f *excelize.File, sheet string, row int, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range n {
		out[i] = cellValue(t, f, sheet, cell(i+1, row))
	}
	return out
}

// sheetBook builds an upload the way a person or another program would:
// rows of cells from A1 on the first sheet (nil leaves a cell empty).
func sheetBook(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if err := f.SetSheetRow("Sheet1", cell(1, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// problemsOf asserts err is a *ParseError and returns its problems.
func problemsOf(t testing.TB, err error) []Problem {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("want a *ParseError, got %v", err)
	}
	return pe.Problems
}

// zipEntries lists the part names of an xlsx package with their contents.
func zipEntries(t testing.TB, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = string(data)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
