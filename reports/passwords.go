package reports

import (
	"fmt"
	"io"
)

// InitialPassword is one generated password of a staff import's new
// account, as the passwords sheet lists it.
type InitialPassword struct {
	EmployeeNo, Name, Password string
}

// WriteInitialPasswords writes the sheet of a staff import's generated
// initial passwords (初始密码): 工号, 姓名, 初始密码, as text, so that no
// password is read as a number or a formula.
func WriteInitialPasswords(w io.Writer, lang Lang, organisation string, rows []InitialPassword) error {
	sheet := lang.pick("初始密码", "Initial passwords")
	title := lang.pick("员工导入 初始密码", "Staff import initial passwords")
	f, st, err := newBook(sheet, docMeta{title: title, org: organisation}, lang)
	if err != nil {
		return err
	}
	return finish(f, w, func() error {
		cols := []column{
			{lang.pick("工号", "Employee No"), 12, st.code},
			{lang.pick("姓名", "Name"), 12, st.text},
			{lang.pick("初始密码", "Initial Password"), 20, st.code},
		}
		if err := writeHeader(f, sheet, 1, cols, st); err != nil {
			return err
		}
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, cell(1, i+2), &[]any{r.EmployeeNo, r.Name, r.Password}); err != nil {
				return fmt.Errorf("reports: passwords row %d: %w", i+2, err)
			}
		}
		return pageSetup(f, sheet, "portrait", 0, pageHead{doc: title, lang: lang})
	}())
}
