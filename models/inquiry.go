package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel is how a visitor reached the first responder.
type Channel string

// Channels: visit (来人), phone (来电), letter (来函), online, other.
const (
	ChannelVisit  Channel = "visit"
	ChannelPhone  Channel = "phone"
	ChannelLetter Channel = "letter"
	ChannelOnline Channel = "online"
	ChannelOther  Channel = "other"
)

// AllChannels lists the channels.
var AllChannels = []Channel{ChannelVisit, ChannelPhone, ChannelLetter, ChannelOnline, ChannelOther}

// Category is the kind of matter a visitor raised.
type Category string

// Categories: consultation (咨询), complaint (投诉), help (求助), repair (报修), other.
const (
	CategoryConsultation Category = "consultation"
	CategoryComplaint    Category = "complaint"
	CategoryHelp         Category = "help"
	CategoryRepair       Category = "repair"
	CategoryOther        Category = "other"
)

// AllCategories lists the categories.
var AllCategories = []Category{CategoryConsultation, CategoryComplaint, CategoryHelp, CategoryRepair, CategoryOther}

// needsReadBack reports whether the rules require the record to be read
// back to the visitor (复述确认): complaints and requests for help.
func (c Category) needsReadBack() bool { return c == CategoryComplaint || c == CategoryHelp }

// Disposition is what the first responder did with the matter.
type Disposition string

// Dispositions. The empty disposition means "not decided yet": the inquiry
// stays open and its hand-over clock runs.
const (
	DispositionNone           Disposition = ""
	DispositionResolvedOnSpot Disposition = "resolved_on_spot"
	DispositionGuided         Disposition = "guided"
	DispositionReferred       Disposition = "referred"
	DispositionOutOfScope     Disposition = "out_of_scope"
)

// AllDispositions lists the dispositions a caller may give.
var AllDispositions = []Disposition{DispositionResolvedOnSpot, DispositionGuided, DispositionReferred, DispositionOutOfScope}

// closesAtOnce reports whether the disposition settles the matter at the
// desk: the visitor was told everything in one go.
func (d Disposition) closesAtOnce() bool {
	return d == DispositionResolvedOnSpot || d == DispositionGuided || d == DispositionOutOfScope
}

// needsGuidance reports whether the disposition needs a guidance note.
func (d Disposition) needsGuidance() bool {
	return d == DispositionGuided || d == DispositionOutOfScope
}

// InquiryStatus is where an inquiry stands: open → (referred) → resolved →
// closed; a dissatisfied feedback sends it back to open.
type InquiryStatus string

// Inquiry statuses.
const (
	InquiryOpen     InquiryStatus = "open"
	InquiryReferred InquiryStatus = "referred"
	InquiryResolved InquiryStatus = "resolved"
	InquiryClosed   InquiryStatus = "closed"
)

// AllInquiryStatuses lists the statuses.
var AllInquiryStatuses = []InquiryStatus{InquiryOpen, InquiryReferred, InquiryResolved, InquiryClosed}

// Satisfaction is the visitor's answer when told the result (反馈).
type Satisfaction string

// Satisfaction values.
const (
	Satisfied          Satisfaction = "satisfied"
	BasicallySatisfied Satisfaction = "basically_satisfied"
	Dissatisfied       Satisfaction = "dissatisfied"
	Unreachable        Satisfaction = "unreachable"
)

// AllSatisfactions lists the satisfaction values.
var AllSatisfactions = []Satisfaction{Satisfied, BasicallySatisfied, Dissatisfied, Unreachable}

// Document is something the visitor handed over: its name and how many.
type Document struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Inquiry is a matter registered by its first responder (首问登记).
type Inquiry struct {
	ID                int64         `json:"id"`
	Ref               string        `json:"ref"`
	Channel           Channel       `json:"channel"`
	ReceivedAt        time.Time     `json:"received_at"`
	FirstResponderID  int64         `json:"first_responder_id"`
	DepartmentID      int64         `json:"department_id"`
	VisitorName       string        `json:"visitor_name"`
	VisitorOrg        string        `json:"visitor_org"`
	VisitorPhone      string        `json:"visitor_phone"`
	PhoneMasked       bool          `json:"visitor_phone_masked" gorm:"-"`
	Category          Category      `json:"category"`
	Summary           string        `json:"summary"`
	ReadBackConfirmed bool          `json:"read_back_confirmed"`
	Disposition       Disposition   `json:"disposition"`
	Guidance          string        `json:"guidance"`
	Documents         []Document    `json:"documents" gorm:"serializer:json"`
	Status            InquiryStatus `json:"status"`
	Resolution        string        `json:"resolution"`
	ResolvedAt        *time.Time    `json:"resolved_at"`
	ResolvedBy        *int64        `json:"resolved_by"`
	FeedbackAt        *time.Time    `json:"feedback_at"`
	FeedbackBy        *int64        `json:"feedback_by"`
	Satisfaction      Satisfaction  `json:"satisfaction"`
	FeedbackNote      string        `json:"feedback_note"`
	ClosedAt          *time.Time    `json:"closed_at"`
	ClosedBy          *int64        `json:"closed_by"`
	ReopenCount       int           `json:"reopen_count"`
	PausedAt          *time.Time    `json:"paused_at"`
	PauseReason       string        `json:"pause_reason"`
	CreatedBy         int64         `json:"created_by"`
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`

	// Clocks are the inquiry's SLA clocks (its own and its referrals'),
	// filled on reads.
	Clocks []ClockView `json:"sla" gorm:"-"`
}

// TableName names the inquiries table.
func (Inquiry) TableName() string { return "inquiries" }

// auditView is what the audit log keeps of an inquiry: the visitor's phone
// masked, since the log outlives the matter and is read by auditors who do
// not work it.
func (inq Inquiry) auditView() map[string]any {
	return map[string]any{
		"ref": inq.Ref, "channel": inq.Channel, "received_at": inq.ReceivedAt,
		"first_responder_id": inq.FirstResponderID, "department_id": inq.DepartmentID,
		"visitor_name": inq.VisitorName, "visitor_org": inq.VisitorOrg, "visitor_phone": MaskPhone(inq.VisitorPhone),
		"category": inq.Category, "summary": inq.Summary, "read_back_confirmed": inq.ReadBackConfirmed,
		"disposition": inq.Disposition, "guidance": inq.Guidance, "documents": inq.Documents,
		"status": inq.Status, "resolution": inq.Resolution, "satisfaction": inq.Satisfaction,
		"feedback_note": inq.FeedbackNote, "reopen_count": inq.ReopenCount, "paused": inq.PausedAt != nil,
		"pause_reason": inq.PauseReason,
	}
}

// InquiryInput is what a caller sets on an inquiry. Nil fields keep their
// value on update; received_at, first_responder_id and referral are taken
// only when registering.
type InquiryInput struct {
	Channel           *string     `json:"channel"`
	ReceivedAt        *time.Time  `json:"received_at"`
	FirstResponderID  *int64      `json:"first_responder_id"`
	VisitorName       *string     `json:"visitor_name"`
	VisitorOrg        *string     `json:"visitor_org"`
	VisitorPhone      *string     `json:"visitor_phone"`
	Category          *string     `json:"category"`
	Summary           *string     `json:"summary"`
	ReadBackConfirmed *bool       `json:"read_back_confirmed"`
	Disposition       *string     `json:"disposition"`
	Guidance          *string     `json:"guidance"`
	Documents         *[]Document `json:"documents"`
	// Referral, when registering with disposition "referred", hands the
	// matter over in the same transaction.
	Referral *ReferralInput `json:"referral"`
}

// Field limits, in characters (checked in code: SQLite does not enforce
// column lengths).
const (
	maxVisitorName = 64
	maxVisitorOrg  = 100
	maxSummary     = 2000
	maxGuidance    = 1000
	maxNote        = 1000
	maxReason      = 500
	maxResolution  = 2000
	maxDocuments   = 20
	maxDocName     = 100
	maxDocCount    = 1000
	// futureSkew is how far in the future received_at may lie (clock skew
	// between a clerk's device and the server).
	futureSkew = 5 * time.Minute
)

func runes(s string) int { return utf8.RuneCountInString(s) }

func enumList[T ~string](vals []T) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// apply merges the input into inq, checking each given field on its own,
// and returns the problems found. creating allows received_at and
// first_responder_id; on update they are refused.
func (in InquiryInput) apply(inq *Inquiry, creating bool, now time.Time) *Validation {
	var v Validation
	if in.Channel != nil {
		c := Channel(strings.TrimSpace(*in.Channel))
		if slices.Contains(AllChannels, c) {
			inq.Channel = c
		} else {
			v.Add("channel", "must be one of %s", enumList(AllChannels))
		}
	}
	if in.Category != nil {
		c := Category(strings.TrimSpace(*in.Category))
		if slices.Contains(AllCategories, c) {
			inq.Category = c
		} else {
			v.Add("category", "must be one of %s", enumList(AllCategories))
		}
	}
	if in.Disposition != nil {
		d := Disposition(strings.TrimSpace(*in.Disposition))
		if d == DispositionNone || slices.Contains(AllDispositions, d) {
			inq.Disposition = d
		} else {
			v.Add("disposition", "must be one of %s", enumList(AllDispositions))
		}
	}
	if in.ReceivedAt != nil {
		switch {
		case !creating:
			v.Add("received_at", "cannot be changed after registration: the SLA clocks count from it")
		case in.ReceivedAt.After(now.Add(futureSkew)):
			v.Add("received_at", "must not be in the future")
		case in.ReceivedAt.Year() < 2000:
			v.Add("received_at", "must be a real date")
		default:
			inq.ReceivedAt = in.ReceivedAt.UTC().Truncate(time.Millisecond)
		}
	}
	if in.FirstResponderID != nil && !creating {
		v.Add("first_responder_id", "cannot be changed after registration")
	}
	if in.Referral != nil && !creating {
		v.Add("referral", "refer with POST /inquiries/{id}/referrals")
	}
	if in.VisitorName != nil {
		inq.VisitorName = strings.TrimSpace(*in.VisitorName)
		v.Check(runes(inq.VisitorName) <= maxVisitorName, "visitor_name", "must be at most %d characters", maxVisitorName)
	}
	if in.VisitorOrg != nil {
		inq.VisitorOrg = strings.TrimSpace(*in.VisitorOrg)
		v.Check(runes(inq.VisitorOrg) <= maxVisitorOrg, "visitor_org", "must be at most %d characters", maxVisitorOrg)
	}
	if in.VisitorPhone != nil {
		p := strings.TrimSpace(*in.VisitorPhone)
		if p == "" {
			inq.VisitorPhone = ""
		} else if norm, ok := NormalizePhone(p); ok {
			inq.VisitorPhone = norm
		} else {
			v.Add("visitor_phone", "must be a mainland mobile (13800138000), a landline with its area code (010-65529988), optionally with an extension (转123), or a number with its country code")
		}
	}
	if in.Summary != nil {
		inq.Summary = strings.TrimSpace(*in.Summary)
	}
	if in.ReadBackConfirmed != nil {
		inq.ReadBackConfirmed = *in.ReadBackConfirmed
	}
	if in.Guidance != nil {
		inq.Guidance = strings.TrimSpace(*in.Guidance)
	}
	if in.Documents != nil {
		docs := make([]Document, 0, len(*in.Documents))
		if len(*in.Documents) > maxDocuments {
			v.Add("documents", "at most %d entries", maxDocuments)
		}
		for i, d := range *in.Documents {
			d.Name = strings.TrimSpace(d.Name)
			v.Check(d.Name != "" && runes(d.Name) <= maxDocName, fmt.Sprintf("documents[%d].name", i), "must be 1–%d characters", maxDocName)
			v.Check(d.Count >= 1 && d.Count <= maxDocCount, fmt.Sprintf("documents[%d].count", i), "must be from 1 to %d", maxDocCount)
			docs = append(docs, d)
		}
		inq.Documents = docs
	}
	return &v
}

// checkRecord checks the rules that tie fields together, on the merged
// record: what a complaint needs, what each disposition needs.
func (inq *Inquiry) checkRecord(v *Validation) {
	v.Check(inq.Channel != "", "channel", "is required")
	v.Check(inq.Category != "", "category", "is required")
	v.Check(inq.Summary != "" && runes(inq.Summary) <= maxSummary, "summary", "must be 1–%d characters", maxSummary)
	v.Check(runes(inq.Guidance) <= maxGuidance, "guidance", "must be at most %d characters", maxGuidance)
	if inq.Category.needsReadBack() {
		v.Check(inq.ReadBackConfirmed, "read_back_confirmed", "must be true for a %s: read the record back to the visitor (复述确认)", inq.Category)
		v.Check(inq.VisitorName != "", "visitor_name", "is required for a %s", inq.Category)
		v.Check(inq.VisitorPhone != "", "visitor_phone", "is required for a %s", inq.Category)
	}
	if inq.Disposition.needsGuidance() {
		v.Check(inq.Guidance != "", "guidance", "is required when the disposition is %s: say where the visitor was guided", inq.Disposition)
	}
	if inq.Disposition == DispositionReferred {
		v.Check(inq.VisitorPhone != "", "visitor_phone", "is required for a referral: the responsible person must be able to contact the visitor")
	}
}
