package reports

import (
	"archive/zip"
	"bytes"
	"io"
	"sync"
	"testing"
)

// TestWorkbooksDeflateConcurrently: workbooks written at the same time
// share the pool of deflate compressors; every part of each still inflates
// to what was written (the zip reader checks each part's CRC), and the
// big parts are stored deflated, not stored.
func TestWorkbooksDeflateConcurrently(t *testing.T) {
	want := appraisalBytes(t, sampleAppraisal(LangZH))
	var wg sync.WaitGroup
	books := make([][]byte, 8)
	for i := range books {
		wg.Go(func() { books[i] = appraisalBytes(t, sampleAppraisal(LangZH)) })
	}
	wg.Wait()
	parts := func(b []byte) map[string][]byte {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			content, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if len(content) > 1024 && f.Method != zip.Deflate {
				t.Errorf("%s: %d bytes stored with method %d, want deflated", f.Name, len(content), f.Method)
			}
			out[f.Name] = content
		}
		return out
	}
	ref := parts(want)
	for i, b := range books {
		got := parts(b)
		if len(got) != len(ref) {
			t.Fatalf("workbook %d has %d parts, want %d", i, len(got), len(ref))
		}
		for name, content := range ref {
			switch name {
			case "docProps/core.xml": // carries the write time
				continue
			case "[Content_Types].xml": // excelize lists the parts in map order
				if !sameBytes(got[name], content) {
					t.Errorf("workbook %d: part %s is not a reordering of the one written alone", i, name)
				}
				continue
			}
			if !bytes.Equal(got[name], content) {
				t.Errorf("workbook %d: part %s differs from one written alone", i, name)
			}
		}
	}
}

// sameBytes reports whether a and b hold the same bytes in any order.
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	var count [256]int
	for i := range a {
		count[a[i]]++
		count[b[i]]--
	}
	return count == [256]int{}
}
