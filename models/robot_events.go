package models

import (
	"fmt"
	"strconv"

	"firstask/scoring"
)

// The messages group robots post, one builder per event kind; each is
// called in the transaction of the change it reports (models/robot.go
// routes it to the robots of the department).

// robotPerson is a staff member's name and, when their phone is a
// mainland mobile, the number a robot @-mentions.
func (tx *Tx) robotPerson(id int64) (name, mobile string, err error) {
	if id == 0 {
		return "", "", nil
	}
	var st Staff
	if err := tx.db.Select("id, name, phone").Where("id = ?", id).Take(&st).Error; err != nil {
		return "", "", err
	}
	if p, ok := NormalizePhone(st.Phone); ok && len(p) == 11 && p[0] == '1' {
		mobile = p
	}
	return st.Name, mobile, nil
}

// mention adds people to a message (skipping 0 and repeats).
func (tx *Tx) mention(msg *RobotMessage, ids ...int64) error {
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		name, mobile, err := tx.robotPerson(id)
		if err != nil {
			return err
		}
		msg.Names = append(msg.Names, name)
		if mobile != "" {
			msg.Mobiles = append(msg.Mobiles, mobile)
		}
	}
	return nil
}

// robotInquiry fills the reference, the masked phone and the page of an
// inquiry.
func (tx *Tx) robotInquiry(msg *RobotMessage, inquiryID int64) error {
	var inq Inquiry
	if err := tx.db.Select("id, ref, visitor_phone").Where("id = ?", inquiryID).Take(&inq).Error; err != nil {
		return err
	}
	msg.Ref, msg.Phone, msg.Path = inq.Ref, MaskPhone(inq.VisitorPhone), "/inquiries/"+strconv.FormatInt(inq.ID, 10)
	return nil
}

// robotAssignment: a referral reached a department (or one person in it).
func (tx *Tx) robotAssignment(inq *Inquiry, r *Referral) error {
	msg := RobotMessage{Event: RobotAssignment, Title: "新移交"}
	if err := tx.robotInquiry(&msg, inq.ID); err != nil {
		return err
	}
	msg.Lines = append(msg.Lines, "事由："+truncateRunes(inq.Summary, 40))
	var c SLAClock
	err := tx.db.Where("referral_id = ? AND kind = ?", r.ID, ClockContact).Order("id DESC").Limit(1).Find(&c).Error
	if err != nil {
		return err
	}
	if c.ID != 0 {
		d := c.DeadlineAt
		msg.DeadlineAt = &d
	}
	if r.ToStaffID != nil {
		if err := tx.mention(&msg, *r.ToStaffID); err != nil {
			return err
		}
	} else {
		msg.Lines = append(msg.Lines, "部门待领取")
	}
	return tx.robot(r.ToDepartmentID, msg)
}

// robotReminder: a running clock reached its reminder (a quarter left).
func (tx *Tx) robotReminder(c *SLAClock) error {
	msg := RobotMessage{Event: RobotReminder, Title: "催办：" + c.Kind.label() + "即将到期"}
	if err := tx.robotInquiry(&msg, c.InquiryID); err != nil {
		return err
	}
	d := c.DeadlineAt
	msg.DeadlineAt = &d
	if c.OwnerID != nil {
		if err := tx.mention(&msg, *c.OwnerID); err != nil {
			return err
		}
	}
	return tx.robot(c.DepartmentID, msg)
}

// robotEscalation: a clock breached; one message for the breach and its
// escalation, mentioning the supervisor (and the owner).
func (tx *Tx) robotEscalation(c *SLAClock, owner, sup int64) error {
	msg := RobotMessage{Event: RobotEscalation, Title: "超时升级：" + c.Kind.label() + "已超时"}
	if err := tx.robotInquiry(&msg, c.InquiryID); err != nil {
		return err
	}
	d := c.DeadlineAt
	msg.DeadlineAt = &d
	if sup != 0 {
		msg.Lines = append(msg.Lines, "请主管督办")
	}
	if err := tx.mention(&msg, sup, owner); err != nil {
		return err
	}
	return tx.robot(c.DepartmentID, msg)
}

// robotExtension: more time was requested (mentioning who decides) or
// decided (mentioning who asked).
func (tx *Tx) robotExtension(ext *Extension, c *SLAClock, title string, who int64) error {
	msg := RobotMessage{Event: RobotExtension, Title: title}
	if err := tx.robotInquiry(&msg, ext.InquiryID); err != nil {
		return err
	}
	d := c.DeadlineAt
	msg.DeadlineAt = &d
	msg.Path = "/todo"
	if err := tx.mention(&msg, who); err != nil {
		return err
	}
	return tx.robot(c.DepartmentID, msg)
}

// robotViolation: a violation was verified or its appeal decided; posted
// to the robots of the person's department, mentioning them.
func (tx *Tx) robotViolation(event string, v *Violation, title string) error {
	var st Staff
	if err := tx.db.Select("id, department_id").Where("id = ?", v.StaffID).Take(&st).Error; err != nil {
		return err
	}
	msg := RobotMessage{Event: event, Title: title, Path: "/my/score",
		Lines: []string{v.Type.Label("zh") + "（" + v.Severity.Label("zh") + "）"}}
	if err := tx.mention(&msg, v.StaffID); err != nil {
		return err
	}
	return tx.robot(st.DepartmentID, msg)
}

// robotMonthClosed: the month's appraisal is final; every robot that
// subscribes hears it.
func (tx *Tx) robotMonthClosed(m scoring.Month) error {
	return tx.robot(0, RobotMessage{Event: RobotMonthClosed, Title: fmt.Sprintf("%s 月度考核已结账", m),
		Lines: []string{"成绩已定稿，可在系统中查看"}, Path: "/my/score"})
}
