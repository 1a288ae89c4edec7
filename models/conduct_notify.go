package models

import (
	"fmt"
)

// Notification kinds of the conduct queues.
const (
	// NotifyVerificationQueue tells HR a reported violation awaits verification.
	NotifyVerificationQueue NotificationKind = "verification_queue"
	// NotifyAppealQueue tells HR an appeal awaits a decision.
	NotifyAppealQueue NotificationKind = "appeal_queue"
	// NotifyStaffRecord tells a supervisor what happened to a record of
	// one of their staff (verified, dismissed, appealed, decided).
	NotifyStaffRecord NotificationKind = "staff_record"
)

// maxHRNotified bounds how many HR officers one queue event goes to.
const maxHRNotified = 50

// notifyHR puts a notification in the inbox of every active HR officer
// except the actor and the person the record is about (who may not decide
// it), within the transaction.
func (tx *Tx) notifyHR(a Actor, about int64, kind NotificationKind, title, body, entity string, entityID int64) error {
	var ids []int64
	if err := tx.db.Model(&Staff{}).Where("role = ? AND active = ? AND id NOT IN ?", RoleHR, true, []int64{a.StaffID, about}).
		Order("id").Limit(maxHRNotified).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.notify(id, kind, title, body, entity, entityID); err != nil {
			return err
		}
	}
	return nil
}

// notifySupervisorOf tells the supervisor of the violation's subject (the
// nearest active supervisor up the department tree, never the subject nor
// the actor) what happened to it.
func (tx *Tx) notifySupervisorOf(a Actor, v *Violation, what string) error {
	var st Staff
	if err := tx.db.Where("id = ?", v.StaffID).Take(&st).Error; err != nil {
		return err
	}
	sup, err := tx.supervisorOf(st.DepartmentID, st.ID)
	if err != nil || sup == 0 || sup == a.StaffID {
		return err
	}
	title := fmt.Sprintf("%s 的违规记录%s", st.Name, what)
	body := fmt.Sprintf("%s（%s）的违规记录「%s（%s）」%s。", st.Name, st.EmployeeNo, v.Type.Label("zh"), v.Severity.Label("zh"), what)
	return tx.notify(sup, NotifyStaffRecord, title, body, "violation", v.ID)
}

// violationQueued reports a violation now waiting for HR: the webhook
// event (violation.reported / violation.appealed) and, for one a person
// reported or appealed, a notification to each HR officer. Violations the
// SLA scan raises get the event only: a scan can raise hundreds at once,
// and 首页 counts the queue.
func (tx *Tx) violationQueued(a Actor, v *Violation, event string) error {
	if err := tx.emit(event, "violation", v.ID, v); err != nil {
		return err
	}
	if a.IsSystem() {
		return nil
	}
	var st Staff
	if err := tx.db.Where("id = ?", v.StaffID).Take(&st).Error; err != nil {
		return err
	}
	kind, title := NotifyVerificationQueue, "违规记录待核实："+st.Name
	body := fmt.Sprintf("%s（%s）的违规记录「%s（%s）」待核实。", st.Name, st.EmployeeNo, v.Type.Label("zh"), v.Severity.Label("zh"))
	if v.State == ViolationAppealed {
		kind, title = NotifyAppealQueue, "申诉待处理："+st.Name
		body = fmt.Sprintf("%s（%s）对违规记录「%s（%s）」提出申诉，待处理。", st.Name, st.EmployeeNo, v.Type.Label("zh"), v.Severity.Label("zh"))
	}
	return tx.notifyHR(a, v.StaffID, kind, title, body, "violation", v.ID)
}
