// Package reports reads and writes every Excel workbook of firstask, through
// io.Reader and io.Writer only. It knows excelize and nothing of HTTP, the
// database or the other packages: callers pass display-ready data (labels of
// violation types, severities, sanctions, grades and states already in the
// right language) and get plain values back.
//
// # Workbooks
//
//   - Monthly results template (WriteResultsTemplate) and its upload
//     (ReadResults): 工号, 姓名, 部门, 基础绩效分, 备注. Row 1 is the header, so
//     the filled-in file uploads as it is; the header is bold, shaded and
//     frozen; the score column is validated as a decimal 0–100 on every data
//     row and 1,000 spare rows, with an input hint and an error message;
//     employee numbers are text cells, so leading zeros survive.
//   - Staff import template (WriteStaffImportTemplate, WriteStaffTemplate)
//     and upload (ReadStaffImport): 工号, 姓名, 部门编码, 角色, 用工类型, 电话,
//     在职, 初始密码, with warning-style drop lists of the language's labels
//     (员工/主管/人事/管理员, 正式/派遣, 是/否) over 10,000 rows, and a second
//     sheet 部门编码 (Departments) whose codes the department code list offers.
//   - Monthly appraisal workbook (WriteAppraisal), sheets in this order:
//     汇总 Summary (per-department table and a total row whose average is
//     weighted by headcount, every figure a COUNTIFS/SUMIFS formula over
//     考核表 with the caller's figure cached), 考核表 Appraisal (最终得分 a
//     formula of 基础分, 扣分 and 加分; the sheet protected without a
//     password, 基础分 and 备注 unlocked, rule-derived columns with grey
//     headers; the 制表人/审核人/日期 block below), 明细 Details, 服务指标
//     Service and 图表 Charts (a ranking table referring to 汇总, a pie of the
//     grade distribution and a horizontal bar chart of the ranking). All are
//     streamed: title, generated-at line, header frozen (and filtered on the
//     data sheets), ruled cells, one page wide, the header repeated on every
//     page through _xlnm.Print_Titles, a page header (organisation, month
//     and document, 暂定/已结账) and footer (generated-at, 第 n 页，共 N 页,
//     sheet). Titles read "<organisation> [<department>] <month>
//     月度考核汇总 (已结账|暂定)", in English "… monthly appraisal summary
//     (closed|provisional)". Dates and times are in AppraisalWorkbook.Location.
//   - Personal sheet (WritePersonalSheet): one portrait page with the person,
//     the itemised records, the totals and the lines
//     "员工签字：____  日期：____" and "主管签字：____  日期：____".
//
// # Languages
//
// Lang is "zh" (the default, also for unknown values) or "en"; ParseLang
// accepts "en", "en-US" and the like. Headers, titles and sheet names follow
// the language: 汇总/Summary, 考核表/Appraisal, 明细/Details, 服务指标/Service,
// "考核结果 2026-10"/"Results 2026-10", 员工导入/Staff, 个人考核单/Personal.
// Uploads are read whatever their language. Problem messages are Chinese
// unless UploadLimits.Lang asks for English; Problem.Column always repeats
// the header as written in the file (for a missing column: the expected
// header, in the language the file's other headers are in).
//
// # Reading uploads
//
// The first sheet is read with excelize's Rows iterator and RawCellValue.
// The header is the first of the first five rows that holds every required
// column (results: 工号 and 基础绩效分, 姓名 and 备注 optional, 部门 ignored
// since the staff record decides; staff: 工号, 姓名, 部门编码), matched by
// name in any order: case, surrounding spaces (U+3000 included),
// underscores, a trailing "*" or "(hint)" and full-width forms do not
// matter, and aliases are accepted (员工编号, Employee No, employee_no,
// 基础分, 绩效分, Score, Remark…). Full-width folding (U+FF01–FF5E to ASCII,
// U+3000 to a space) is hand-rolled rather than taken from
// golang.org/x/text/width: it is a dozen lines and keeps the package's
// dependencies to excelize.
//
// Fully empty rows are skipped; Row numbers are the sheet's own, so the
// caller's checks (unknown employee, name mismatch, inactive, closed month)
// can point at the same rows. Employee numbers keep what was typed ("001001"
// stays) except that a float rendering "1001.0" becomes "1001"; E notation
// is left alone because codes like "12E3" exist. A score must be a number
// (full-width digits and spaces accepted; hexadecimal, NaN, thousands
// separators refused) from 0 to 100 and is rounded to two decimals.
// Duplicate employee numbers are reported on the later row, naming the
// first. Every problem is collected; a file without data rows is a problem
// too. With a *ParseError the rows that passed are returned as well, so the
// caller can add its own problems and answer once; such rows must never be
// imported.
//
// ErrNotXLSX, ErrTooLarge and ErrTooManyRows are wrapped with detail; test
// them with errors.Is. Before excelize sees a file, the upload is read up to
// UnzipSizeLimit+1 bytes, an OLE file (.xls or an encrypted .xlsx) or
// anything that is not a zip with [Content_Types].xml is refused, and the
// sizes in the zip directory are added up so that a zip bomb is refused
// without inflating anything (archive/zip also refuses an entry that
// inflates past its declared size). excelize then opens it with the same
// limits; a panic inside it is recovered into ErrNotXLSX; rows and file are
// always closed, so no temporary file stays behind. MaxRows counts non-empty
// data rows.
//
// Every style names fontName (Microsoft YaHei), as does the workbook's
// default style; document properties hold the title, the organisation and
// the created time. docs/workbooks.md has the reasons.
//
// # Writing large sheets
//
// The appraisal, details and service sheets use excelize's stream writer in
// the order it requires: page setup (which writes sheetPr), the sheet
// protection and the charts before the stream writer is created (a flushed
// stream cannot take a chart), widths (last column first, so that <cols>
// comes out ascending) and panes before the first row, rows ascending, the
// title merge, the autofilter and the print titles before Flush. Each cell
// carries its column's ruled style through one reused row of
// excelize.Cell, so no cell is allocated; columns carry no style, so the
// rows below a table are not ruled. SetActiveSheet is never called after
// streaming: it parses every streamed sheet back into memory.
// Details come from an iterator (DetailSource = iter.Seq[DetailRow]), so
// 200,000 records need not be held twice. Service rates are *float64 ratios;
// nil or NaN leaves the cell empty ("no data" differs from 0 %); department
// rows are written before person rows, each in the caller's order.
//
// # Measured
//
// go test -run '^$' -bench . -benchtime=1x ./reports/ times each operation
// and bare excelize doing the same I/O in the same run (twice each, in
// ABBA order, keeping the faster run) and reports the ratio. On the
// two-core development machine: reading 10,000 rows 1.1–1.2× a bare Rows()
// loop (target ≤ 1.5×); writing 10,000 rows plus 200,000 details 1.0–1.15×
// a bare StreamWriter (target ≤ 1.3×) with a peak HeapInuse near 90 MB
// (target < 150 MB). FuzzReadResults runs in CI for about ten seconds; with
// coverage guidance excelize makes input minimisation slow, so a local run
// is best given -fuzzminimizetime=3s.
//
// testdata/results-libreoffice.xlsx is a workbook not made by excelize:
// LibreOffice converted results-libreoffice.csv beside it with
// soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx.
package reports
