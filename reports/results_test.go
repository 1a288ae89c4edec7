package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var templateRows = []TemplateRow{
	{EmployeeNo: "001001", Name: "张三", Department: "客服中心", BaseScore: ptr(96.0)},
	{EmployeeNo: "1002", Name: "欧阳娜娜", Department: "工程部"},
	{EmployeeNo: "1003", Name: "王五", Department: "秩序维护部", Note: "试用期"},
}

func writeTemplate(t testing.TB, lang Lang, rows []TemplateRow) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteResultsTemplate(&buf, "2026-10", lang, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteResultsTemplate(t *testing.T) {
	t.Run("Chinese", func(t *testing.T) {
		f := openXLSX(t, writeTemplate(t, LangZH, templateRows))
		sheet := f.GetSheetList()[0]
		if sheet != "考核结果 2026-10" {
			t.Errorf("sheet name %q", sheet)
		}
		if got, want := rowValues(t, f, sheet, 1, 5), []string{"工号", "姓名", "部门", "基础绩效分", "备注"}; !reflect.DeepEqual(got, want) {
			t.Errorf("header %q, want %q", got, want)
		}
		if got := rowValues(t, f, sheet, 2, 5); !reflect.DeepEqual(got, []string{"001001", "张三", "客服中心", "96.00", ""}) {
			t.Errorf("row 2 %q", got)
		}
		if got := rowValues(t, f, sheet, 3, 5); !reflect.DeepEqual(got, []string{"1002", "欧阳娜娜", "工程部", "", ""}) {
			t.Errorf("row 3 %q", got)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
			t.Errorf("panes %+v, want the header row frozen", panes)
		}
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(dvs) != 1 {
			t.Fatalf("%d data validations, want 1", len(dvs))
		}
		dv := dvs[0]
		want := fmt.Sprintf("D2:D%d", len(templateRows)+1+templateSpareRows)
		if dv.Sqref != want || dv.Type != "decimal" || dv.Operator != "between" || dv.Formula1 != "0" || dv.Formula2 != "100" {
			t.Errorf("validation %s %s %s %s..%s, want %s decimal between 0..100", dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, want)
		}
		if !dv.ShowErrorMessage || dv.Error == nil || !strings.Contains(*dv.Error, "0 到 100") {
			t.Errorf("validation error message missing: %+v", dv)
		}
		// Chinese names and departments fit their columns.
		for col, min := range map[string]float64{"B": 8, "C": 12} {
			w, err := f.GetColWidth(sheet, col)
			if err != nil || w < min {
				t.Errorf("column %s width %v (%v), want ≥ %v", col, w, err, min)
			}
		}
		style, err := f.GetCellStyle(sheet, "A1")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil || st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 {
			t.Errorf("header style %+v (%v), want bold and filled", st, err)
		}
	})
	t.Run("English", func(t *testing.T) {
		f := openXLSX(t, writeTemplate(t, LangEN, templateRows))
		sheet := f.GetSheetList()[0]
		if sheet != "Results 2026-10" {
			t.Errorf("sheet name %q", sheet)
		}
		if got, want := rowValues(t, f, sheet, 1, 5), []string{"Employee No", "Name", "Department", "Base Score", "Note"}; !reflect.DeepEqual(got, want) {
			t.Errorf("header %q, want %q", got, want)
		}
	})
	t.Run("ErrBadMonth", func(t *testing.T) {
		if err := WriteResultsTemplate(io.Discard, "2026-13", LangZH, nil); err == nil {
			t.Error("want an error for month 2026-13")
		}
	})
}

func TestReadResults(t *testing.T) {
	t.Run("TemplateFilledIn", func(t *testing.T) {
		f := openXLSX(t, writeTemplate(t, LangZH, templateRows))
		sheet := f.GetSheetList()[0]
		must(t, f.SetCellValue(sheet, "D3", 88.5))
		must(t, f.SetCellValue(sheet, "D4", "９０"))
		must(t, f.SetCellValue(sheet, "E2", " 优秀员工 "))
		var buf bytes.Buffer
		must(t, f.Write(&buf))
		rows, err := ReadResults(&buf, UploadLimits{})
		if err != nil {
			t.Fatal(err)
		}
		want := []ResultRow{
			{Row: 2, EmployeeNo: "001001", Name: "张三", Score: 96, Note: "优秀员工"},
			{Row: 3, EmployeeNo: "1002", Name: "欧阳娜娜", Score: 88.5},
			{Row: 4, EmployeeNo: "1003", Name: "王五", Score: 90, Note: "试用期"},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got  %+v\nwant %+v", rows, want)
		}
	})
	t.Run("EnglishHeadersAnyOrderFullWidth", func(t *testing.T) {
		b := sheetBook(t,
			[]any{"Monthly results October"}, // a title row above the header
			[]any{" Ｒｅｍａｒｋ ", "\u3000Ｂａｓｅ　Ｓｃｏｒｅ\u3000", "NAME", "employee_no", "Department"},
			[]any{"", "９５．５", "Alice", 1001.0, "Front desk"},
			[]any{"late start", " 70.12 ", "Bob", "1002.0"},
			nil, // an empty row keeps the numbering
			[]any{nil, 100, "Carol", "Ｅ１００３"},
		)
		rows, err := ReadResults(bytes.NewReader(b), UploadLimits{})
		if err != nil {
			t.Fatal(err)
		}
		want := []ResultRow{
			{Row: 3, EmployeeNo: "1001", Name: "Alice", Score: 95.5},
			{Row: 4, EmployeeNo: "1002", Name: "Bob", Score: 70.12, Note: "late start"},
			{Row: 6, EmployeeNo: "E1003", Name: "Carol", Score: 100},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got  %+v\nwant %+v", rows, want)
		}
	})
	t.Run("Aliases", func(t *testing.T) {
		b := sheetBook(t, []any{"员工编号", "绩效分"}, []any{"7", "60"})
		rows, err := ReadResults(bytes.NewReader(b), UploadLimits{})
		if err != nil || len(rows) != 1 || rows[0].EmployeeNo != "7" || rows[0].Score != 60 {
			t.Errorf("rows %+v, err %v", rows, err)
		}
	})
	t.Run("EveryRowProblem", func(t *testing.T) {
		b := sheetBook(t,
			[]any{"工号", "姓名", "基础绩效分"},
			[]any{"1001", "张三", 90},         // 2 ok
			[]any{"1002", "李四", nil},        // 3 missing score
			[]any{"1003", "王五", "九十"},       // 4 not a number
			[]any{"1004", "赵六", 100.5},      // 5 out of range
			[]any{"1005", "钱七", -1},         // 6 out of range
			[]any{" 1001 ", "张三", 80},       // 7 duplicate of row 2
			[]any{nil, "孙八", 70},            // 8 missing employee no
			[]any{nil, nil, nil},            // 9 empty: skipped
			[]any{"1006", "周九", "0x10"},     // 10 hexadecimal is not a score
			[]any{"1007", "吴十", "1,000"},    // 11 thousands separator
			[]any{"1008", "郑十一", "99.999"},  // 12 more than two decimals
			[]any{"1009", "冯十二", "NaN"},     // 13 not a number
			[]any{"1004", "赵六", 60},         // 14 duplicate of row 5, whose score was bad
			[]any{"", "", "", "stray note"}, // 15 a cell outside the columns: not empty, no number, no score
		)
		rows, err := ReadResults(bytes.NewReader(b), UploadLimits{})
		got := problemsOf(t, err)
		want := []Problem{
			{Row: 3, Column: "基础绩效分", Message: "基础绩效分不能为空"},
			{Row: 4, Column: "基础绩效分", Value: "九十", Message: "不是有效的数字"},
			{Row: 5, Column: "基础绩效分", Value: "100.5", Message: "必须在 0 到 100 之间"},
			{Row: 6, Column: "基础绩效分", Value: "-1", Message: "必须在 0 到 100 之间"},
			{Row: 7, Column: "工号", Value: "1001", Message: "与第 2 行重复"},
			{Row: 8, Column: "工号", Message: "工号不能为空"},
			{Row: 10, Column: "基础绩效分", Value: "0x10", Message: "不是有效的数字"},
			{Row: 11, Column: "基础绩效分", Value: "1,000", Message: "不是有效的数字"},
			{Row: 12, Column: "基础绩效分", Value: "99.999", Message: "最多两位小数"},
			{Row: 13, Column: "基础绩效分", Value: "NaN", Message: "不是有效的数字"},
			{Row: 14, Column: "工号", Value: "1004", Message: "与第 5 行重复"},
			{Row: 15, Column: "工号", Message: "工号不能为空"},
			{Row: 15, Column: "基础绩效分", Message: "基础绩效分不能为空"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("problems:\n%s\nwant:\n%s", dumpProblems(got), dumpProblems(want))
		}
		// The rows that passed come along for the caller's own checks.
		wantRows := []ResultRow{{Row: 2, EmployeeNo: "1001", Name: "张三", Score: 90}}
		if !reflect.DeepEqual(rows, wantRows) {
			t.Errorf("rows %+v, want %+v", rows, wantRows)
		}
	})
	t.Run("EnglishMessagesKeepFileHeaders", func(t *testing.T) {
		b := sheetBook(t, []any{"工号", "Score"}, []any{"1", "abc"})
		_, err := ReadResults(bytes.NewReader(b), UploadLimits{Lang: LangEN})
		got := problemsOf(t, err)
		want := []Problem{{Row: 2, Column: "Score", Value: "abc", Message: "is not a number"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("ErrMissingColumn", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			rows [][]any
			want []Problem
		}{
			{"Chinese", [][]any{{"工号", "姓名", "备注"}, {"1", "a", ""}},
				[]Problem{{Row: 1, Column: "基础绩效分", Message: "缺少必需的列“基础绩效分”：在工作表“Sheet1”的第 1–2 行中未找到含“基础绩效分”的表头行"}}},
			{"EnglishBelowTitle", [][]any{{"October"}, {"Name", "Base Score"}, {"a", 1}},
				[]Problem{{Row: 2, Column: "Employee No", Message: "缺少必需的列“Employee No”：在工作表“Sheet1”的第 1–3 行中未找到含“Employee No”的表头行"}}},
			{"NoHeaderAtAll", [][]any{{"a", "b"}, {"1", "2"}},
				[]Problem{{Row: 1, Column: "工号", Message: "缺少必需的列“工号”：在工作表“Sheet1”的第 1–2 行中未找到含“工号”的表头行"}, {Row: 1, Column: "基础绩效分", Message: "缺少必需的列“基础绩效分”：在工作表“Sheet1”的第 1–2 行中未找到含“基础绩效分”的表头行"}}},
			// A header below row 5: the message says where it was looked for.
			{"HeaderBelowRowFive", [][]any{{"t"}, {"t"}, {"t"}, {"t"}, {"t"}, {"工号", "基础绩效分"}, {"1", 1}},
				[]Problem{{Row: 1, Column: "工号", Message: "缺少必需的列“工号”：在工作表“Sheet1”的第 1–5 行中未找到含“工号”的表头行"}, {Row: 1, Column: "基础绩效分", Message: "缺少必需的列“基础绩效分”：在工作表“Sheet1”的第 1–5 行中未找到含“基础绩效分”的表头行"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := ReadResults(bytes.NewReader(sheetBook(t, tc.rows...)), UploadLimits{})
				if got := problemsOf(t, err); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
			})
		}
	})
	t.Run("ErrNoDataRows", func(t *testing.T) {
		_, err := ReadResults(bytes.NewReader(writeTemplate(t, LangZH, nil)), UploadLimits{})
		if got := problemsOf(t, err); len(got) != 1 || got[0].Row != 1 {
			t.Errorf("got %+v, want one problem on the header row", got)
		}
	})
	t.Run("ErrNotXLSX", func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(1, 2))
		random := make([]byte, 4096)
		for i := range random {
			random[i] = byte(rnd.UintN(256))
		}
		var noContentTypes bytes.Buffer
		zw := zip.NewWriter(&noContentTypes)
		w, _ := zw.Create("word/document.xml")
		_, _ = w.Write([]byte("<document/>"))
		must(t, zw.Close())
		template := writeTemplate(t, LangZH, templateRows)
		for name, b := range map[string][]byte{
			"CSV":            []byte("工号,姓名,基础绩效分\n1001,张三,95\n"),
			"random":         random,
			"empty":          nil,
			"PDF":            []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"),
			"XLS":            append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
			"zipNotOffice":   noContentTypes.Bytes(),
			"truncatedXLSX":  template[:len(template)/2],
			"zipMagicOnly":   []byte("PK\x03\x04garbage"),
			"emptyZip":       emptyZip(t),
			"corruptedSheet": corruptPart(t, template, "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99999</v></c></row>"),
		} {
			t.Run(name, func(t *testing.T) {
				rows, err := ReadResults(bytes.NewReader(b), UploadLimits{})
				if name == "corruptedSheet" {
					// A damaged sheet either reads as no header or is refused; it never panics.
					if err == nil {
						t.Errorf("rows %+v, want an error", rows)
					}
					return
				}
				if !errors.Is(err, ErrNotXLSX) || rows != nil {
					t.Errorf("rows %v, err %v, want ErrNotXLSX", rows, err)
				}
			})
		}
	})
	t.Run("ErrTooManyRows", func(t *testing.T) {
		rows := [][]any{{"工号", "基础绩效分"}}
		for i := range 5 {
			rows = append(rows, []any{fmt.Sprint(1000 + i), 90})
		}
		b := sheetBook(t, rows...)
		if _, err := ReadResults(bytes.NewReader(b), UploadLimits{MaxRows: 4}); !errors.Is(err, ErrTooManyRows) {
			t.Errorf("err %v, want ErrTooManyRows", err)
		}
		if got, err := ReadResults(bytes.NewReader(b), UploadLimits{MaxRows: 5}); err != nil || len(got) != 5 {
			t.Errorf("%d rows, err %v, want 5 rows at the limit", len(got), err)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		bomb := zipBomb(t, 200<<20)
		t.Logf("zip bomb: %d bytes compressed, 200 MiB inflated", len(bomb))
		start := time.Now()
		_, err := ReadResults(bytes.NewReader(bomb), UploadLimits{})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err %v, want ErrTooLarge", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("refusing the bomb took %v", d)
		}
		// The upload itself over the limit is refused before unzipping.
		if _, err := ReadResults(bytes.NewReader(bomb), UploadLimits{UnzipSizeLimit: int64(len(bomb) / 2)}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("err %v, want ErrTooLarge for an upload larger than the limit", err)
		}
	})
	t.Run("LibreOffice", func(t *testing.T) {
		// testdata/results-libreoffice.xlsx was made by LibreOffice 7 from
		// results-libreoffice.csv beside it:
		//   soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx results-libreoffice.csv
		// It has shared strings, numeric employee numbers and a skipped row.
		b, err := os.ReadFile("testdata/results-libreoffice.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ReadResults(bytes.NewReader(b), UploadLimits{})
		if err != nil {
			t.Fatal(err)
		}
		want := []ResultRow{
			{Row: 2, EmployeeNo: "1001", Name: "张三", Score: 95.5},
			{Row: 3, EmployeeNo: "1002", Name: "李四", Score: 88, Note: "表现良好"},
			{Row: 5, EmployeeNo: "1003", Name: "王五", Score: 100},
			{Row: 6, EmployeeNo: "A-7", Name: "赵六", Score: 79.25, Note: "试用期"},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("got  %+v\nwant %+v", rows, want)
		}
	})
}

// TestScanUploadRecoversPanic checks that a panic while reading (excelize
// issue #2299 is still open) comes back as ErrNotXLSX, not a crash.
func TestScanUploadRecoversPanic(t *testing.T) {
	b := sheetBook(t, []any{"工号", "基础绩效分"}, []any{"1", 1})
	err := scanUpload(bytes.NewReader(b), UploadLimits{}, &messages{}, resultFields, func(*headerRow, int, []string) {
		panic("boom")
	})
	if !errors.Is(err, ErrNotXLSX) {
		t.Errorf("err %v, want ErrNotXLSX", err)
	}
}

func TestParseErrorMessage(t *testing.T) {
	err := &ParseError{Problems: []Problem{{Row: 3, Column: "基础绩效分", Value: "x", Message: "不是有效的数字"}, {Row: 4}}}
	if got := err.Error(); !strings.Contains(got, "2 problems") || !strings.Contains(got, "row 3") {
		t.Errorf("message %q", got)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"1001.0": "1001", "1001.00": "1001", "001001": "001001", " １００２ ": "1002",
		"1001.5": "1001.5", "A-7": "A-7", "\u30001003\u3000": "1003", "12E3": "12E3",
	} {
		if got := normalizeCode(in); got != want {
			t.Errorf("normalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"基础绩效分(0-100)": "基础绩效分", "Employee No": "employeeno", "EMPLOYEE_NO": "employeeno",
		"工号*": "工号", "　工号　": "工号", "基础绩效分（必填）": "基础绩效分",
	} {
		if got := headerKey(in); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]float64{"95": 95, "９５．５": 95.5, " +70 ": 70, ".5": 0.5, "1e2": 100, "7.": 7} {
		if got, ok := parseDecimal(in); !ok || got != want {
			t.Errorf("parseDecimal(%q) = %v, %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "Inf", "NaN", "0x10", "1_000", "1,000", "95分", ".", "-", "1e", "e5", "１２.３.４"} {
		if _, ok := parseDecimal(in); ok {
			t.Errorf("parseDecimal(%q) accepted", in)
		}
	}
	if ParseLang("en-US") != LangEN || ParseLang("") != LangZH || ParseLang("fr") != LangZH || ParseLang(" EN ") != LangEN {
		t.Error("ParseLang")
	}
}

func dumpProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %+v\n", p)
	}
	return b.String()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func emptyZip(t testing.TB) []byte {
	var buf bytes.Buffer
	must(t, zip.NewWriter(&buf).Close())
	return buf.Bytes()
}

// corruptPart replaces one part of an xlsx package.
func corruptPart(t testing.TB, b []byte, name, content string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		must(t, err)
		if zf.Name == name {
			_, err = w.Write([]byte(content))
			must(t, err)
			continue
		}
		rc, err := zf.Open()
		must(t, err)
		_, err = io.Copy(w, rc)
		must(t, err)
		_ = rc.Close()
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// zipBomb builds an xlsx-looking package whose sheet inflates to size bytes,
// streaming the zeros through the compressor so the test itself stays small.
func zipBomb(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml":     `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`,
	} {
		w, err := zw.Create(name)
		must(t, err)
		_, err = io.WriteString(w, content)
		must(t, err)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	must(t, err)
	zeros := make([]byte, 1<<20)
	for written := 0; written < size; written += len(zeros) {
		_, err = w.Write(zeros)
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}
