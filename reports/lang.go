package reports

import "strings"

// Lang selects the language of the headers, titles and sheet names that this
// package writes itself. Domain labels (violation types, grades, sanctions…)
// are passed in by the caller already translated.
type Lang string

// The languages a workbook can be written in.
const (
	LangZH Lang = "zh" // Chinese, the default
	LangEN Lang = "en" // English
)

// ParseLang maps a query parameter or an Accept-Language style value to a
// Lang: anything starting with "en" ("en", "EN", "en-US", "en_GB") is English,
// everything else, the empty string included, is Chinese.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en,") || strings.HasPrefix(s, "en;") {
		return LangEN
	}
	return LangZH
}

// english reports whether l asks for English text. Unknown values fall back
// to Chinese so that a zero Lang behaves as the default.
func (l Lang) english() bool { return ParseLang(string(l)) == LangEN }

// pick returns zh or en according to l.
func (l Lang) pick(zh, en string) string {
	if l.english() {
		return en
	}
	return zh
}

// statusLabel is the "(已结账)" / "(暂定)" suffix of every title.
func (l Lang) statusLabel(closed bool) string {
	if closed {
		return l.pick("已结账", "closed")
	}
	return l.pick("暂定", "provisional")
}

// title joins the organisation (and department), the month and a document
// name, followed by the month's status in brackets, e.g.
// "某物业公司 2026-10 月度考核汇总 (暂定)".
func (l Lang) title(org, month, doc string, closed bool) string {
	parts := make([]string, 0, 3)
	for _, p := range []string{strings.Join(strings.Fields(org), " "), strings.TrimSpace(month), doc} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ") + " (" + l.statusLabel(closed) + ")"
}

// generatedLine is the small line under a title saying when the file was made.
func (l Lang) generatedLine(at string) string {
	if at == "" {
		return ""
	}
	return l.pick("生成时间：", "Generated: ") + at
}

// Sheet names of the appraisal workbook. They are Chinese in a Chinese
// workbook and English in an English one, like the headers.
func (l Lang) sheetSummary() string   { return l.pick("汇总", "Summary") }
func (l Lang) sheetAppraisal() string { return l.pick("考核表", "Appraisal") }
func (l Lang) sheetDetails() string   { return l.pick("明细", "Details") }
func (l Lang) sheetService() string   { return l.pick("服务指标", "Service") }
