package reports

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// orgAppraisal is a consistent appraisal workbook of an organisation with
// depts departments of perDept people each: the summary lines are computed
// from the rows as the API computes them, so every formula's cached value
// is what a spreadsheet recalculating it would find. Dates are UTC
// instants; Location is Shanghai.
func orgAppraisal(depts, perDept int, lang Lang) AppraisalWorkbook {
	loc := time.FixedZone("CST", 8*3600)
	wb := AppraisalWorkbook{
		Organisation: "示例物业管理有限公司", Month: "2026-11", Lang: lang,
		GeneratedAt: time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC), Location: loc,
		GradeLabels: [4]string{lang.pick("优秀", "Excellent"), lang.pick("良好", "Good"), lang.pick("合格", "Pass"), lang.pick("不合格", "Fail")},
	}
	sanctions := []string{"", lang.pick("教育", "Education"), lang.pick("口头警告", "Verbal warning"), lang.pick("书面警告", "Written warning"), lang.pick("通报批评", "Public criticism")}
	var details []DetailRow
	for d := range depts {
		name := fmt.Sprintf(lang.pick("第%03d服务中心", "Service centre %03d"), d+1)
		sum := DepartmentSummary{Name: name}
		for p := range perDept {
			i := d*perDept + p
			base := 80 + float64(i%21)
			ded := float64(i % 13)
			add := math.Min(float64(i%5)*2, 10)
			final := math.Max(0, base-ded+add)
			g := 3
			switch {
			case final >= 95:
				g = 0
			case final >= 85:
				g = 1
			case final >= 70:
				g = 2
			}
			wb.Rows = append(wb.Rows, AppraisalRow{
				EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: fmt.Sprintf(lang.pick("员工%d", "Person %d"), i), Department: name,
				Base: base, ViolationCount: i % 3, Deductions: ded, PraiseCount: i % 5, Additions: add, Final: final,
				Grade: string(rune('A' + g)), HighestSanction: sanctions[i%5], BonusDeductionPercent: float64(5 * (i % 3)),
			})
			sum.Headcount++
			sum.AverageFinal += final
			sum.GradeCounts[g]++
			sum.TotalDeductions += ded
			sum.TotalAdditions += add
			if ded > 0 {
				details = append(details, DetailRow{
					// 07:30 in Beijing on 2 Nov is 23:30 UTC on 1 Nov.
					Date: time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC), EmployeeNo: fmt.Sprintf("%06d", 100000+i), Name: fmt.Sprintf("员工%d", i),
					Department: name, Kind: "违规", Type: "未及时移交", Severity: "轻微", Sanction: sanctions[i%5], Points: -ded, State: "已查实",
					Reason: "来访人等候超过十五分钟无人接待，经核实属实",
				})
			}
		}
		sum.AverageFinal /= float64(sum.Headcount)
		wb.Departments = append(wb.Departments, sum)
	}
	wb.Details = slices.Values(details)
	return wb
}

// orgPersonal is the personal sheet of the README's walkthrough person A,
// with long reasons that wrap.
func orgPersonal(lang Lang) PersonalSheet {
	p := samplePersonal(lang)
	p.Location = time.FixedZone("CST", 8*3600)
	p.GeneratedAt = time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC)
	p.Items[0].Date = time.Date(2026, 10, 8, 23, 30, 0, 0, time.UTC) // 07:30 on 9 Oct in Beijing
	p.Items[0].Reason = "来访人反映其报修事项在窗口等候超过三十分钟，首问人未在时限内移交至工程部，经主管核实属实"
	p.Items[0].State = "已查实"
	p.Items[1].Reason = "对来访人使用忌语"
	p.Items[1].State = "申诉驳回"
	p.Items[1].FromMonth = "2026-09"
	return p
}

func writeBytes(t testing.TB, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
