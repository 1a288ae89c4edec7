package models

import "context"

// fillDemoInquiries registers a few inquiries in the demo organisation: one
// settled at the desk, one waiting in the repair team's queue and one
// handed to a person, so that lists, queues and clocks show something.
func (s *Store) fillDemoInquiries(ctx context.Context) error {
	var clerk, fixer Staff
	var rep Department
	err := s.read(ctx, System("demo"), func(tx *Tx) error {
		if err := tx.db.Where("employee_no = ?", "D002").Take(&clerk).Error; err != nil {
			return err
		}
		if err := tx.db.Where("employee_no = ?", "D018").Take(&fixer).Error; err != nil {
			return err
		}
		return tx.db.Where("code = ?", "PROP-REP").Take(&rep).Error
	})
	if err != nil {
		return err
	}
	str := func(v string) *string { return &v }
	yes := true
	for _, in := range []InquiryInput{
		{Channel: str("visit"), Category: str("consultation"), Summary: str("咨询车位月租办理流程"), VisitorName: str("李女士"),
			Disposition: str("resolved_on_spot")},
		{Channel: str("phone"), Category: str("repair"), Summary: str("2 号楼电梯异响"), VisitorName: str("张先生"),
			VisitorPhone: str("13900139000"), Disposition: str("referred"), Referral: &ReferralInput{ToDepartmentID: &rep.ID}},
		{Channel: str("phone"), Category: str("complaint"), Summary: str("楼道灯坏了三天无人修"), VisitorName: str("王先生"),
			VisitorOrg: str("3号楼 1201"), VisitorPhone: str("13800138000"), ReadBackConfirmed: &yes, Disposition: str("referred"),
			Referral: &ReferralInput{ToDepartmentID: &rep.ID, ToStaffID: &fixer.ID, Note: "请尽快联系业主"}},
	} {
		in.FirstResponderID = &clerk.ID
		if in.Referral != nil && in.Referral.Note == "" {
			in.Referral.Note = "请处理"
		}
		if _, err := s.CreateInquiry(ctx, System("demo"), in); err != nil {
			return err
		}
	}
	return nil
}
