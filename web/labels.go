package web

import (
	"fmt"

	"firstask/scoring"
)

// labels gives every enum value shown on a page its Chinese and English
// label, keyed by kind and value, so that no page shows "late_referral".
var labels = map[string]map[string][2]string{
	"channel": {"visit": {"来访", "Visit"}, "phone": {"来电", "Phone"}, "letter": {"来函", "Letter"},
		"online": {"网上", "Online"}, "other": {"其他", "Other"}},
	"category": {"consultation": {"咨询", "Consultation"}, "complaint": {"投诉", "Complaint"}, "help": {"求助", "Request for help"},
		"repair": {"报修", "Repair"}, "other": {"其他", "Other"}},
	"disposition": {"": {"待定", "Undecided"}, "resolved_on_spot": {"当场办结", "Resolved on the spot"}, "guided": {"指引办理", "Guided"},
		"referred": {"转办", "Referred"}, "out_of_scope": {"不属受理范围", "Out of scope"}},
	"inquiry_status": {"open": {"办理中", "Open"}, "referred": {"已转办", "Referred"}, "resolved": {"已办结", "Resolved"}, "closed": {"已关闭", "Closed"}},
	"satisfaction": {"satisfied": {"满意", "Satisfied"}, "basically_satisfied": {"基本满意", "Basically satisfied"},
		"dissatisfied": {"不满意", "Dissatisfied"}, "unreachable": {"联系不上", "Unreachable"}},
	"referral_status": {"pending": {"待接收", "Pending"}, "accepted": {"已接收", "Accepted"}, "contacted": {"已联系", "Contacted"},
		"resolved": {"已办结", "Resolved"}, "returned": {"已退回", "Returned"}},
	"event": {"created": {"登记", "Registered"}, "updated": {"修改", "Edited"}, "referred": {"转办", "Referred"}, "accepted": {"接收", "Accepted"},
		"contacted": {"联系来访人", "Contacted the visitor"}, "referral_resolved": {"承办办结", "Referral resolved"}, "returned": {"退回", "Returned"},
		"resolved": {"办结", "Resolved"}, "feedback": {"反馈", "Feedback"}, "reopened": {"重新办理", "Reopened"}, "closed": {"关闭", "Closed"},
		"paused": {"暂停计时", "Clock paused"}, "resumed": {"恢复计时", "Clock resumed"}, "extension_requested": {"申请延期", "Extension requested"},
		"extension_approved": {"延期获批", "Extension approved"}, "extension_refused": {"延期被拒", "Extension refused"},
		"reminder": {"到期提醒", "Reminder"}, "breached": {"超时", "Breached"}},
	"clock_kind":  {"handover": {"转办时限", "Hand-over"}, "contact": {"联系时限", "Contact"}, "feedback": {"反馈时限", "Feedback"}},
	"clock_state": {"on_time": {"按时", "On time"}, "due_soon": {"即将到期", "Due soon"}, "overdue": {"已超时", "Overdue"}, "paused": {"已暂停", "Paused"}},
	"notification": {"assignment": {"新转办", "New referral"}, "reminder": {"到期提醒", "Reminder"}, "escalation": {"升级", "Escalation"},
		"breach": {"超时", "Breach"}, "extension": {"延期", "Extension"}, "verification": {"核实", "Verification"},
		"appeal_decision": {"申诉结果", "Appeal decision"}, "feedback": {"反馈", "Feedback"},
		"verification_queue": {"待核实", "Awaiting verification"}, "appeal_queue": {"待处理申诉", "Appeal awaiting decision"},
		"staff_record": {"下属记录", "Staff record"}, "referral_resolved": {"移交已办结", "Referral resolved"}, "referral_returned": {"移交被退回", "Referral returned"}},
	"violation_source": {"supervisor": {"主管报告", "Supervisor"}, "visitor_complaint": {"来访人投诉", "Visitor complaint"}, "sla": {"超时自动记录", "SLA breach"}},
	"role":             {"staff": {"员工", "Staff"}, "supervisor": {"主管", "Supervisor"}, "hr": {"人力资源", "HR"}, "admin": {"管理员", "Administrator"}},
	"violation_state": {"reported": {"待核实", "Reported"}, "verified": {"已核实", "Verified"}, "dismissed": {"已驳回", "Dismissed"},
		"appealed": {"申诉中", "Appealed"}, "upheld": {"申诉维持", "Upheld"}, "overturned": {"申诉撤销", "Overturned"},
		"recorded": {"已记录", "Recorded"}},
	"appeal_state": {"not_appealable": {"不可申诉", "Not appealable"}, "open": {"可申诉", "Open to appeal"}, "expired": {"申诉期已过", "Appeal window closed"},
		"pending": {"申诉待处理", "Appeal pending"}, "upheld": {"申诉维持原处理", "Appeal upheld"}, "overturned": {"申诉已撤销处理", "Appeal overturned"}},
}

// label names an enum value in the language; kinds of the scoring
// package use its own labels.
func label(lang, kind string, v any) string {
	value := fmt.Sprint(v)
	switch kind {
	case "violation_type":
		return scoring.ViolationType(value).Label(lang)
	case "severity":
		return scoring.Severity(value).Label(lang)
	case "sanction":
		if value == "" || value == string(scoring.SanctionNone) {
			return pick(lang, "无", "none")
		}
		return scoring.Sanction(value).Label(lang)
	case "praise_kind":
		return scoring.PraiseKind(value).Label(lang)
	case "grade":
		return scoring.Grade(value).Label(lang)
	case "record_kind":
		return scoring.RecordKind(value).Label(lang)
	}
	if l, ok := labels[kind][value]; ok {
		return pick(lang, l[0], l[1])
	}
	return value
}
