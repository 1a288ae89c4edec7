package reports

import (
	"fmt"
	"strings"
)

// messages words the Problems of an upload in the language the caller asked
// for (UploadLimits.Lang).
type messages struct{ lang Lang }

// missingColumn says which column is missing, where the header was looked
// for (rows 1 to last of the sheet read) and, when the workbook has more
// sheets, that only the first one is read.
func (m *messages) missingColumn(name, sheet string, last int, others []string) string {
	zh := fmt.Sprintf("缺少必需的列“%s”：在工作表“%s”的第 1–%d 行中未找到含“%s”的表头行", name, sheet, last, name)
	en := fmt.Sprintf("the required column %q is missing: no header row with %q in rows 1–%d of the sheet %q", name, name, last, sheet)
	if len(others) > 0 {
		zh += fmt.Sprintf("（只读取第一个工作表，未读取：%s；请把数据放在第一个工作表）", strings.Join(others, "、"))
		en += fmt.Sprintf(" (only the first sheet is read, not %s: put the data on the first sheet)", strings.Join(others, ", "))
	}
	return m.lang.pick(zh, en)
}

func (m *messages) formulaWithoutValue(column string) string {
	return m.lang.pick(fmt.Sprintf("%s是公式，但文件中没有保存计算结果：请在 Excel 或 WPS 中打开、重新计算并保存，或改为数值", column),
		fmt.Sprintf("%s is a formula without a saved result: open the file in Excel or WPS, recalculate and save it, or enter the value", column))
}

func (m *messages) tooManyDecimals() string {
	return m.lang.pick("最多两位小数", "at most two decimals")
}

func (m *messages) implausibleScore(typical int) string {
	return m.lang.pick(fmt.Sprintf("分数不大于 1，而本文件 %d 行的分数在 10 以上：是否为百分比格式（0.95 应为 95）？已按原值接受", typical),
		fmt.Sprintf("the score is 1 or less while %d rows of this file score above 10: a percent cell (0.95 for 95)? Taken as it is", typical))
}

func (m *messages) otherMonth(found, where, want string) string {
	return m.lang.pick(fmt.Sprintf("文件属于 %s（%s），不是 %s：请下载并填写 %s 的模板；确要用它上传 %s，请加参数 allow_other_month=true", found, where, want, want, want),
		fmt.Sprintf("the file is for %s (%s), not %s: download and fill in the %s template; to take it for %s anyway, add allow_other_month=true", found, where, want, want, want))
}

func (m *messages) noData() string {
	return m.lang.pick("表头下没有数据行", "there are no data rows below the header")
}

func (m *messages) required(column string) string {
	return m.lang.pick(fmt.Sprintf("%s不能为空", column), fmt.Sprintf("%s is required", column))
}

func (m *messages) notNumber() string {
	return m.lang.pick("不是有效的数字", "is not a number")
}

func (m *messages) outOfRange(lo, hi float64) string {
	return m.lang.pick(fmt.Sprintf("必须在 %g 到 %g 之间", lo, hi), fmt.Sprintf("must be between %g and %g", lo, hi))
}

func (m *messages) duplicate(firstRow int) string {
	return m.lang.pick(fmt.Sprintf("与第 %d 行重复", firstRow), fmt.Sprintf("duplicates row %d", firstRow))
}

func (m *messages) notOneOf(choices []string) string {
	return m.lang.pick("取值无效，应为："+strings.Join(choices, "、"), "invalid value; expected one of: "+strings.Join(choices, ", "))
}
