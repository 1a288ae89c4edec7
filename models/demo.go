package models

import (
	"context"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// DemoPassword is the password of every demo account (documented in the
// README; never use demo data in production).
const DemoPassword = "demo-pass-2026"

// FillDemo adds a small demo organisation — departments and about thirty
// staff of every role — when the database holds only the first admin. It
// returns the number of staff created (0 when it did nothing).
func (s *Store) FillDemo(ctx context.Context) (int, error) {
	created := 0
	err := s.write(ctx, System("demo"), func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&Staff{}).Count(&n).Error; err != nil || n > 1 {
			return err
		}
		var hq Department
		if err := tx.db.Where("code = ?", "HQ").Take(&hq).Error; err != nil {
			return err
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(DemoPassword), tx.store.bcryptCost)
		if err != nil {
			return err
		}
		type dept struct{ code, name string }
		depts := []dept{{"SVC", "综合服务窗口"}, {"PROP", "物业服务部"}, {"ENG", "工程维修部"}, {"HRD", "人力资源部"}}
		ids := map[string]int64{}
		for _, d := range depts {
			row := Department{Code: d.code, Name: d.name, ParentID: &hq.ID, Active: true, CreatedAt: tx.now, UpdatedAt: tx.now}
			if err := tx.db.Create(&row).Error; err != nil {
				return err
			}
			ids[d.code] = row.ID
			tx.audit("department.create", "department", row.ID, nil, row)
		}
		// The repair team sits under property services: a supervisor of
		// PROP sees it too.
		sub := Department{Code: "PROP-REP", Name: "报修班组", ParentID: ptr(ids["PROP"]), Active: true, CreatedAt: tx.now, UpdatedAt: tx.now}
		if err := tx.db.Create(&sub).Error; err != nil {
			return err
		}
		ids["PROP-REP"] = sub.ID
		tx.audit("department.create", "department", sub.ID, nil, sub)

		surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭")
		given := []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"}
		plan := []struct {
			dept  string
			role  Role
			count int
		}{
			{"SVC", RoleSupervisor, 1}, {"SVC", RoleStaff, 8},
			{"PROP", RoleSupervisor, 1}, {"PROP", RoleStaff, 6},
			{"PROP-REP", RoleSupervisor, 1}, {"PROP-REP", RoleStaff, 5},
			{"ENG", RoleSupervisor, 1}, {"ENG", RoleStaff, 4},
			{"HRD", RoleHR, 2}, {"HQ", RoleAdmin, 1},
		}
		seq := 0
		for _, p := range plan {
			for i := 0; i < p.count; i++ {
				seq++
				deptID := hq.ID
				if p.dept != "HQ" {
					deptID = ids[p.dept]
				}
				st := Staff{
					EmployeeNo:     fmt.Sprintf("D%03d", seq),
					Name:           string(surnames[seq%len(surnames)]) + given[seq%len(given)],
					DepartmentID:   deptID,
					Role:           p.role,
					EmploymentType: EmploymentRegular,
					Phone:          fmt.Sprintf("1380013%04d", seq),
					Active:         true,
					PasswordHash:   string(hash),
					CreatedAt:      tx.now,
					UpdatedAt:      tx.now,
				}
				if p.role == RoleStaff && i%4 == 3 {
					st.EmploymentType = EmploymentDispatched
				}
				if err := tx.db.Create(&st).Error; err != nil {
					return err
				}
				tx.audit("staff.create", "staff", st.ID, nil, st.auditView())
				created++
			}
		}
		return nil
	})
	if err == nil && created > 0 {
		err = s.fillDemoInquiries(ctx)
	}
	return created, err
}
