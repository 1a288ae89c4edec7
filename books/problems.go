package books

import (
	"fmt"
	"sort"

	"firstask/models"
	"firstask/reports"
)

// workbookHeaders names the store's column keys by the headers of the
// workbooks (reports' canonical Chinese and English headers), so that a
// problem the store found points at the same column a parser problem does.
var workbookHeaders = map[string][2]string{
	models.ColEmployeeNo:     {"工号", "Employee No"},
	models.ColName:           {"姓名", "Name"},
	models.ColScore:          {"基础绩效分", "Base Score"},
	models.ColNote:           {"备注", "Note"},
	models.ColDepartment:     {"部门编码", "Department Code"},
	models.ColRole:           {"角色", "Role"},
	models.ColEmploymentType: {"用工类型", "Employment Type"},
	models.ColPhone:          {"电话", "Phone"},
	models.ColActive:         {"在职", "Active"},
	models.ColAppraised:      {"参加考核", "Appraised"},
	models.ColPassword:       {"初始密码", "Initial Password"},
}

// chineseProblems words each store problem reason in Chinese from the
// column's header and the problem's Args.
var chineseProblems = map[string]func(header string, args []any) string{
	models.ReasonNoRows:      func(string, []any) string { return "表头下没有数据行" },
	models.ReasonTooManyRows: func(_ string, a []any) string { return fmt.Sprintf("文件超过 %v 行，请拆分后上传", a[0]) },
	models.ReasonMissing:     func(h string, _ []any) string { return h + "不能为空" },
	models.ReasonUnknownEmployee: func(_ string, a []any) string {
		return fmt.Sprintf("工号 %v 不存在", a[0])
	},
	models.ReasonInactiveStaff: func(_ string, a []any) string { return fmt.Sprintf("%v（%v）已不在职", a[0], a[1]) },
	models.ReasonNotAppraised: func(_ string, a []any) string {
		return fmt.Sprintf("%v（%v）不参加考核（如需考核，请先在员工资料中设为参加考核）", a[0], a[1])
	},
	models.ReasonNameMismatch: func(_ string, a []any) string {
		return fmt.Sprintf("工号 %v 对应的姓名是“%v”，不是“%v”", a[0], a[1], a[2])
	},
	models.ReasonDuplicate:  func(_ string, a []any) string { return fmt.Sprintf("工号 %v 与第 %v 行重复", a[0], a[1]) },
	models.ReasonScoreRange: func(_ string, a []any) string { return fmt.Sprintf("必须是 %v 到 %v 之间的数字", a[0], a[1]) },
	models.ReasonTooLong:    func(h string, a []any) string { return fmt.Sprintf("%s超过 %v 个字符", h, a[1]) },
	models.ReasonBadEmployeeNo: func(string, []any) string {
		return "工号应为 1–32 位字母、数字、“_”或“-”"
	},
	models.ReasonUnknownDepartment:  func(_ string, a []any) string { return fmt.Sprintf("部门编码 %v 不存在", a[0]) },
	models.ReasonInactiveDepartment: func(_ string, a []any) string { return fmt.Sprintf("部门 %v 已停用", a[0]) },
	models.ReasonBadChoice: func(h string, _ []any) string {
		switch h {
		case "角色":
			return "取值无效，应为：staff/员工、supervisor/主管、hr/人事、admin/管理员"
		case "用工类型":
			return "取值无效，应为：regular/正式、dispatched/派遣"
		}
		return "取值无效，应为：是、否"
	},
	models.ReasonPasswordShort:  func(_ string, a []any) string { return fmt.Sprintf("初始密码至少 %v 个字符", a[0]) },
	models.ReasonPasswordLong:   func(_ string, a []any) string { return fmt.Sprintf("初始密码最多 %v 个字节", a[0]) },
	models.ReasonOwnRole:        func(string, []any) string { return "不能修改自己的角色" },
	models.ReasonDeactivateSelf: func(string, []any) string { return "不能停用自己的账号" },
	models.ReasonGrant: func(string, []any) string {
		return "只有管理员可以授予或取消人事、管理员角色，或停用此类账号"
	},
}

// WordProblem turns a store problem into the workbook problem shape, in the
// language asked for.
func WordProblem(p models.Problem, lang reports.Lang) reports.Problem {
	header := p.Column
	if h, ok := workbookHeaders[p.Column]; ok {
		header = h[0]
		if lang == reports.LangEN {
			header = h[1]
		}
	}
	msg := p.Message
	if lang != reports.LangEN {
		if f, ok := chineseProblems[p.Reason]; ok {
			msg = f(header, p.Args)
		}
	}
	return reports.Problem{Row: p.Row, Column: header, Value: p.Value, Message: msg}
}

// UploadProblems is the 422 answer listing a file's problems: those the
// parser found and those the store found, in row order.
func UploadProblems(parsed []reports.Problem, checked []models.Problem, lang reports.Lang) error {
	all := append([]reports.Problem(nil), parsed...)
	for _, p := range checked {
		all = append(all, WordProblem(p, lang))
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Row < all[j].Row })
	details := make([]any, len(all))
	for i, p := range all {
		details[i] = p
	}
	msg := pick(lang, fmt.Sprintf("文件有 %d 处问题，全部未被接收", len(all)), fmt.Sprintf("the file has %d problems; nothing was taken", len(all)))
	if len(all) == 1 {
		msg = pick(lang, fmt.Sprintf("文件第 %d 行有问题，全部未被接收：%s", all[0].Row, all[0].Message),
			fmt.Sprintf("the file has a problem in row %d; nothing was taken: %s", all[0].Row, all[0].Message))
		if all[0].Row == 0 {
			msg = pick(lang, "文件未被接收："+all[0].Message, "nothing was taken: "+all[0].Message)
		}
	}
	return &models.Error{Code: models.EInvalid, Message: msg, Details: details}
}

// StoreProblems rewrites an EInvalid error whose details are store
// problems in the API's shape and language; other errors pass unchanged.
func StoreProblems(err error, lang reports.Lang) error {
	e, ok := err.(*models.Error)
	if !ok || e.Code != models.EInvalid || len(e.Details) == 0 {
		return err
	}
	var ps []models.Problem
	for _, d := range e.Details {
		p, ok := d.(models.Problem)
		if !ok {
			return err
		}
		ps = append(ps, p)
	}
	return UploadProblems(nil, ps, lang)
}
