package reports

import (
	"fmt"
	"strings"
)

// messages words the Problems of an upload in the language the caller asked
// for (UploadLimits.Lang).
type messages struct{ lang Lang }

func (m *messages) missingColumn(name string) string {
	return m.lang.pick(fmt.Sprintf("缺少必需的列“%s”", name), fmt.Sprintf("the required column %q is missing", name))
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
