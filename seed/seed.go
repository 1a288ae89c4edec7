// Package seed fills an empty database with a large synthetic organisation
// and a month of activity, for benchmarks and load tests. It writes through
// the store's loading seam (models.Loader), never through the domain's
// state changes: the rows are synthetic and written in bulk.
package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"firstask/models"
	"firstask/scoring"
	"firstask/worktime"
)

// Password is the password of every account the seed generator creates
// (synthetic data for benchmarks and load tests; never production).
const Password = "seed-pass-2026"

// Options sizes the synthetic organisation Seed creates.
type Options struct {
	// Departments under HQ (a random tree), at least 1.
	Departments int
	// Staff: one supervisor per department, about 1 in 200 HR, the rest
	// staff (a quarter of them dispatched workers).
	Staff int
	// Inquiries registered in the month, spread over its working days.
	Inquiries int
	// Conduct records: violations in every state.
	Conduct int
	// Praise counted in the month (supervisors' praise and visitors'
	// commendations).
	Praise int
	// Month is the month of activity, YYYY-MM.
	Month string
	// Seed makes the data reproducible: the same options give the same rows.
	Seed uint64
}

// Report counts what Seed wrote.
type Report struct {
	Departments int       `json:"departments"`
	Staff       int       `json:"staff"`
	Inquiries   int       `json:"inquiries"`
	Referrals   int       `json:"referrals"`
	Clocks      int       `json:"sla_clocks"`
	Events      int       `json:"events"`
	Violations  int       `json:"violations"`
	Praise      int       `json:"praise"`
	AsOf        time.Time `json:"as_of"`
	Seed        uint64    `json:"seed"`
	Month       string    `json:"month"`
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration `json:"-"`
}

// Progress is reported while Seed runs.
type Progress struct {
	Stage       string
	Done, Total int
	Elapsed     time.Duration
}

// seedChunk is how many inquiries one transaction writes: large enough
// that commits cost nothing, small enough that MySQL's undo log stays
// modest.
const seedChunk = 50000

// Seed fills an empty database (only the first admin in it) with a
// synthetic organisation and one month of activity, for benchmarks and load
// tests. Rows are written with multi-row INSERTs in a few large
// transactions: the organisation, each chunk of inquiries with their
// referrals, clocks and timelines, the conduct records, and a last one
// with the reference counters and one audit entry summarising the run.
//
// Seed bypasses the per-row audit on purpose: the rows are synthetic, a
// million audit entries would describe nothing that happened, and hashing
// them one after another would cost more than writing the data. The single
// "seed.fill" entry records who filled the database, when, and with what
// options, so the chain still shows it.
//
// Times are as of the end of the month (AsOf): inquiries received late in
// the month are still being worked, older ones are mostly closed, and SLA
// clocks past their deadline at AsOf are running and breached, as the scan
// would have left them, so overdue lists have realistic sizes.
func Fill(ctx context.Context, s *models.Store, o Options, progress func(Progress)) (Report, error) {
	start := time.Now()
	if progress == nil {
		progress = func(Progress) {}
	}
	rep := Report{Seed: o.Seed, Month: o.Month}
	month, err := scoring.ParseMonth(o.Month)
	var v models.Validation
	v.Check(err == nil, "month", "must be YYYY-MM")
	v.Check(o.Departments >= 1, "departments", "must be at least 1")
	v.Check(o.Staff >= 2*o.Departments, "staff", "must be at least twice the departments (a supervisor and a member each)")
	v.Check(o.Inquiries >= 0 && o.Conduct >= 0 && o.Praise >= 0, "inquiries", "counts must not be negative")
	if err := v.Err(); err != nil {
		return rep, err
	}
	g := &seeder{s: s, o: o, counters: map[string]int{}, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), rep: &rep,
		progress: func(stage string, done, total int) {
			progress(Progress{Stage: stage, Done: done, Total: total, Elapsed: time.Since(start)})
		}}
	g.monthStart = time.Date(month.Year, month.Mon, 1, 0, 0, 0, 0, s.Location())
	g.asOf = g.monthStart.AddDate(0, 1, 0).UTC()
	rep.AsOf = g.asOf

	if err := s.Load(ctx, g.organisation); err != nil {
		return rep, err
	}
	g.progress("organisation", rep.Staff, o.Staff)
	if err := g.inquiries(ctx); err != nil {
		return rep, err
	}
	if err := s.Load(ctx, g.conduct); err != nil {
		return rep, err
	}
	g.progress("conduct", rep.Violations, o.Conduct)
	if err := s.Load(ctx, g.praise); err != nil {
		return rep, err
	}
	g.progress("praise", rep.Praise, o.Praise)
	err = s.FinishLoad(ctx, "seed", g.counters, rep)
	rep.Elapsed = time.Since(start)
	return rep, err
}

// seeder carries one run of Seed.
type seeder struct {
	s          *models.Store
	o          Options
	rng        *rand.Rand
	rep        *Report
	progress   func(stage string, done, total int)
	monthStart time.Time
	asOf       time.Time

	hq          int64
	depts       []int64
	supervisor  map[int64]int64   // department → its supervisor
	members     map[int64][]int64 // department → staff and supervisor ids
	staff       []seedStaff       // who can be a first responder
	hr          []int64
	counters    map[string]int // day → last reference number
	nextInquiry int64
	nextRef     int64
	nextClock   int64
	nextEvent   int64
	breaches    []seedBreach
}

type seedStaff struct{ id, dept int64 }

// seedBreach is a breached clock a conduct record can point at.
type seedBreach struct {
	key     string
	kind    models.ClockKind
	owner   int64
	inquiry int64
	at      time.Time
}

// pick returns an index drawn with the given weights.
func (g *seeder) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *seeder) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)+1))
}

var (
	seedSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	seedGiven    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "鑫", "波", "斌", "宇"}
	seedOrgs     = []string{"", "", "", "个人", "市民", "某某物业公司", "某某科技有限公司", "街道办事处", "社区居委会", "某某学校"}
	seedSummary  = map[models.Category][]string{
		models.CategoryConsultation: {"咨询办事流程及所需材料", "咨询收费标准", "咨询办公时间和地点", "咨询政策适用范围"},
		models.CategoryComplaint:    {"投诉窗口服务态度差", "投诉办理时间过长", "投诉多次往返未办结", "投诉电话无人接听"},
		models.CategoryHelp:         {"老人求助代办业务", "求助查询历史记录", "求助协调邻里纠纷", "求助紧急联系家属"},
		models.CategoryRepair:       {"报修楼道灯不亮", "报修水管漏水", "报修电梯故障", "报修门禁失灵"},
		models.CategoryOther:        {"建议增加休息座椅", "反映停车位不足", "表扬工作人员", "其他事项"},
	}
	seedGuidance = []string{"已告知前往二楼综合窗口办理", "已告知拨打服务热线", "已告知所需材料清单，请备齐后再来", "不属本单位职责，已告知主管部门及联系方式"}
)

func (g *seeder) name() string {
	return string(seedSurnames[g.rng.IntN(len(seedSurnames))]) + seedGiven[g.rng.IntN(len(seedGiven))]
}

func (g *seeder) mobile() string {
	return fmt.Sprintf("1%d%d%08d", 3+g.rng.IntN(7), g.rng.IntN(10), g.rng.IntN(100000000))
}

// organisation writes the department tree and the staff.
func (g *seeder) organisation(l *models.Loader) error {
	staffN, err := l.Count("staff")
	if err != nil {
		return err
	}
	inqN, err := l.Count("inquiries")
	if err != nil {
		return err
	}
	if staffN > 1 || inqN > 0 {
		return models.Errorf(models.EConflict, "seed fills an empty database (only the first admin); this one holds %d staff and %d inquiries", staffN, inqN)
	}
	if g.hq, err = l.Department("HQ", "总部", g.monthStart.UTC()); err != nil {
		return err
	}
	at := g.monthStart.UTC().AddDate(0, -1, 0)
	deptID, err := l.MaxID("departments")
	if err != nil {
		return err
	}
	depts := l.Rows("departments", "id", "code", "name", "parent_id", "active", "created_at", "updated_at")
	top := max(1, int(math.Sqrt(float64(g.o.Departments))))
	kinds := []string{"服务窗口", "物业服务部", "工程维修部", "综合办公室", "客户服务中心", "后勤保障部", "安全保卫部", "财务部"}
	for i := range g.o.Departments {
		deptID++
		parent := g.hq
		if i >= top {
			// Below the first level, a parent among the departments so far:
			// a tree a few levels deep.
			parent = g.depts[g.rng.IntN(len(g.depts))]
		}
		name := fmt.Sprintf("%s%d", kinds[g.rng.IntN(len(kinds))], i+1)
		if err := depts.Add(deptID, fmt.Sprintf("SD%04d", i+1), name, parent, true, at, at); err != nil {
			return err
		}
		g.depts = append(g.depts, deptID)
	}
	if err := depts.Flush(); err != nil {
		return err
	}
	g.rep.Departments = depts.Total()

	hash, err := l.PasswordHash(Password)
	if err != nil {
		return err
	}
	staffID, err := l.MaxID("staff")
	if err != nil {
		return err
	}
	g.supervisor = map[int64]int64{}
	g.members = map[int64][]int64{}
	rows := l.Rows("staff", "id", "employee_no", "name", "department_id", "role", "employment_type",
		"phone", "active", "password_hash", "created_at", "updated_at")
	hrCount := max(1, g.o.Staff/200)
	for i := range g.o.Staff {
		staffID++
		var dept int64
		role, kind := models.RoleStaff, models.EmploymentRegular
		switch {
		case i < len(g.depts):
			dept, role = g.depts[i], models.RoleSupervisor
			g.supervisor[dept] = staffID
		case i < len(g.depts)+hrCount:
			dept, role = g.hq, models.RoleHR
			g.hr = append(g.hr, staffID)
		default:
			dept = g.depts[g.rng.IntN(len(g.depts))]
			if g.rng.IntN(4) == 0 {
				kind = models.EmploymentDispatched
			}
		}
		if role != models.RoleHR {
			g.members[dept] = append(g.members[dept], staffID)
			g.staff = append(g.staff, seedStaff{staffID, dept})
		}
		if err := rows.Add(staffID, fmt.Sprintf("S%06d", i+1), g.name(), dept, string(role), string(kind),
			g.mobile(), true, hash, at, at); err != nil {
			return err
		}
	}
	if err := rows.Flush(); err != nil {
		return err
	}
	g.rep.Staff = rows.Total()
	return nil
}

// seedDay is a working day of the month and how many inquiries it gets.
type seedDay struct {
	date       worktime.Date
	start, end time.Time
	count      int
}

// inquiries writes the month's inquiries, day by day in order of
// reception (so ids and references grow with received_at as they do in
// production), a transaction per chunk.
func (g *seeder) inquiries(ctx context.Context) error {
	sched, rules, err := g.s.Settings(ctx, g.monthStart)
	if err != nil {
		return err
	}
	if err := g.s.Load(ctx, func(l *models.Loader) error {
		var err error
		if g.nextInquiry, err = l.MaxID("inquiries"); err != nil {
			return err
		}
		if g.nextRef, err = l.MaxID("referrals"); err != nil {
			return err
		}
		if g.nextClock, err = l.MaxID("sla_clocks"); err != nil {
			return err
		}
		g.nextEvent, err = l.MaxID("inquiry_events")
		return err
	}); err != nil {
		return err
	}
	var days []seedDay
	for d := worktime.DateOf(g.monthStart); d.Month == g.monthStart.Month(); d = d.AddDays(1) {
		if st, en, ok := sched.Period(d); ok && sched.IsWorkingDay(d) {
			days = append(days, seedDay{date: d, start: st.UTC(), end: en.UTC()})
		}
	}
	if len(days) == 0 {
		return models.Errorf(models.EInvalid, "month %s has no working day", g.o.Month)
	}
	for i := range days {
		days[i].count = g.o.Inquiries / len(days)
		if i < g.o.Inquiries%len(days) {
			days[i].count++
		}
	}
	budgets := map[models.ClockKind]time.Duration{
		models.ClockHandover: time.Duration(rules.HandoverWorkingHours * float64(time.Hour)),
		models.ClockContact:  time.Duration(rules.ContactWorkingHours * float64(time.Hour)),
		models.ClockFeedback: time.Duration(rules.FeedbackWorkingDays * float64(sched.DayLength())),
	}
	w := &seedWriter{g: g, sched: sched, budgets: budgets, fraction: rules.ReminderFraction}
	done := 0
	for di := 0; di < len(days); {
		// One transaction takes whole days up to about seedChunk inquiries.
		err := g.s.Load(ctx, func(l *models.Loader) error {
			w.open(l)
			n := 0
			for di < len(days) && (n == 0 || n+days[di].count <= seedChunk) {
				if err := w.day(days[di]); err != nil {
					return err
				}
				n += days[di].count
				di++
			}
			done += n
			return w.flush()
		})
		if err != nil {
			return err
		}
		g.progress("inquiries", done, g.o.Inquiries)
	}
	return nil
}

// seedWriter holds the bulk inserts of one transaction of inquiries.
type seedWriter struct {
	g        *seeder
	sched    *worktime.Schedule
	budgets  map[models.ClockKind]time.Duration
	fraction float64

	inq, ref, clocks, event *models.Rows
}

func (w *seedWriter) open(l *models.Loader) {
	w.inq = l.Rows("inquiries", "id", "ref", "channel", "received_at", "first_responder_id", "department_id",
		"visitor_name", "visitor_org", "visitor_phone", "category", "summary", "read_back_confirmed", "disposition",
		"guidance", "documents", "status", "resolution", "resolved_at", "resolved_by", "feedback_at", "feedback_by",
		"satisfaction", "feedback_note", "closed_at", "closed_by", "reopen_count", "created_by", "created_at", "updated_at")
	w.ref = l.Rows("referrals", "id", "inquiry_id", "from_staff_id", "to_department_id", "to_staff_id", "note",
		"referred_at", "status", "live_inquiry_id", "accepted_at", "accepted_by", "contacted_at", "contacted_by",
		"contact_note", "resolved_at", "resolved_by", "resolution", "created_at", "updated_at")
	w.clocks = l.Rows("sla_clocks", "id", "clock_key", "kind", "inquiry_id", "referral_id", "owner_id",
		"department_id", "state", "started_at", "budget_ms", "anchor_at", "anchor_left_ms", "deadline_at", "remind_at",
		"reminded_at", "breached_at", "escalated_to", "stopped_at", "created_at", "updated_at")
	w.event = l.Rows("inquiry_events", "id", "inquiry_id", "referral_id", "kind", "actor_id", "occurred_at", "note")
}

func (w *seedWriter) flush() error {
	for _, b := range []*models.Rows{w.inq, w.ref, w.clocks, w.event} {
		if err := b.Flush(); err != nil {
			return err
		}
	}
	g := w.g
	g.rep.Inquiries += w.inq.Total()
	g.rep.Referrals += w.ref.Total()
	g.rep.Clocks += w.clocks.Total()
	g.rep.Events += w.event.Total()
	return nil
}

// day writes one working day's inquiries in order of reception.
func (w *seedWriter) day(d seedDay) error {
	g := w.g
	times := make([]time.Time, d.count)
	span := d.end.Sub(d.start)
	for i := range times {
		times[i] = d.start.Add(time.Duration(g.rng.Int64N(int64(span)))).Truncate(time.Millisecond)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	day := fmt.Sprintf("%04d%02d%02d", d.date.Year, d.date.Month, d.date.Day)
	for i, at := range times {
		if err := w.inquiry(fmt.Sprintf("SW-%s-%04d", day, i+1), at); err != nil {
			return err
		}
	}
	if d.count > 0 {
		g.counters[day] = d.count
	}
	return nil
}

// clock writes an SLA clock started at start; it stops at stop (nil: still
// running at AsOf) and is breached if it stopped, or is still running,
// past its deadline.
func (w *seedWriter) clock(key string, kind models.ClockKind, inq, ref, owner, dept int64, start time.Time, stop *time.Time) error {
	g := w.g
	budget := w.budgets[kind]
	c := models.SLAClock{ClockKey: key, Kind: kind, InquiryID: inq, DepartmentID: dept, State: models.ClockRunning,
		StartedAt: start, BudgetMS: budget.Milliseconds(), AnchorAt: start, AnchorLeftMS: budget.Milliseconds(), OwnerID: &owner}
	c.Plan(w.sched, w.fraction)
	end := g.asOf
	if stop != nil {
		c.State, c.StoppedAt, end = models.ClockStopped, stop, *stop
	}
	if c.RemindAt.Before(end) {
		c.RemindedAt = &c.RemindAt
	}
	if c.DeadlineAt.Before(end) {
		c.BreachedAt = &c.DeadlineAt
		if sup := g.supervisor[dept]; sup != 0 && sup != owner {
			c.EscalatedTo = &sup
		}
		g.breaches = append(g.breaches, seedBreach{key: key, kind: kind, owner: owner, inquiry: inq, at: c.DeadlineAt})
	}
	g.nextClock++
	var refID any
	if ref != 0 {
		refID = ref
	}
	return w.clocks.Add(g.nextClock, key, string(kind), inq, refID, owner, dept, string(c.State), start, c.BudgetMS, start,
		c.AnchorLeftMS, c.DeadlineAt, c.RemindAt, nullTime(c.RemindedAt), nullTime(c.BreachedAt), nullInt(c.EscalatedTo),
		nullTime(c.StoppedAt), start, end)
}

func (w *seedWriter) eventAt(inq, ref int64, kind models.EventKind, actor int64, at time.Time, note string) error {
	w.g.nextEvent++
	var refID any
	if ref != 0 {
		refID = ref
	}
	return w.event.Add(w.g.nextEvent, inq, refID, string(kind), actor, at, note)
}

// before reports whether t happened by AsOf.
func (g *seeder) before(t time.Time) bool { return !t.After(g.asOf) }

// inquiry writes one inquiry received at at with whatever followed it by
// AsOf: referral, clocks and timeline.
func (w *seedWriter) inquiry(ref string, at time.Time) error {
	g := w.g
	g.nextInquiry++
	id := g.nextInquiry
	who := g.staff[g.rng.IntN(len(g.staff))]
	channel := []models.Channel{models.ChannelVisit, models.ChannelPhone, models.ChannelLetter, models.ChannelOnline, models.ChannelOther}[g.pick(35, 40, 5, 15, 5)]
	category := []models.Category{models.CategoryConsultation, models.CategoryComplaint, models.CategoryHelp, models.CategoryRepair, models.CategoryOther}[g.pick(40, 15, 15, 25, 5)]
	disp := []models.Disposition{models.DispositionResolvedOnSpot, models.DispositionGuided, models.DispositionOutOfScope, models.DispositionReferred, models.DispositionNone}[g.pick(45, 18, 5, 27, 5)]
	name, phone := "", ""
	if g.rng.IntN(10) < 9 || category.NeedsReadBack() || disp == models.DispositionReferred {
		name = g.name()
	}
	if g.rng.IntN(10) < 8 || category.NeedsReadBack() || disp == models.DispositionReferred {
		phone = g.mobile()
	}
	org := seedOrgs[g.rng.IntN(len(seedOrgs))]
	texts := seedSummary[category]
	summary := texts[g.rng.IntN(len(texts))]
	guidance := ""
	if disp.NeedsGuidance() {
		guidance = seedGuidance[g.rng.IntN(len(seedGuidance))]
	}
	docs := "[]"
	if g.rng.IntN(5) == 0 {
		docs = `[{"name":"身份证复印件","count":1}]`
	}
	status := models.InquiryOpen
	resolution, satisfaction, note := "", "", ""
	var resolvedAt, feedbackAt, closedAt *time.Time
	var resolvedBy, feedbackBy, closedBy *int64
	responder := who.id
	if err := w.eventAt(id, 0, models.EventCreated, responder, at, string(disp)); err != nil {
		return err
	}
	handoverKey := models.ClockKey("inquiry", id, models.ClockHandover, 1)
	switch {
	case disp.ClosesAtOnce():
		t := at.Add(g.between(2*time.Minute, 20*time.Minute))
		status, resolvedAt, closedAt, resolvedBy, closedBy = models.InquiryClosed, &t, &t, &responder, &responder
	case disp == models.DispositionNone:
		if err := w.clock(handoverKey, models.ClockHandover, id, 0, responder, who.dept, at, nil); err != nil {
			return err
		}
	default:
		var err error
		status, resolution, satisfaction, note, resolvedAt, resolvedBy, feedbackAt, feedbackBy, closedAt, closedBy, err =
			w.referral(id, at, who)
		if err != nil {
			return err
		}
	}
	return w.inq.Add(id, ref, string(channel), at, responder, who.dept, name, org, phone, string(category), summary,
		category.NeedsReadBack(), string(disp), guidance, docs, string(status), resolution, nullTime(resolvedAt),
		nullInt(resolvedBy), nullTime(feedbackAt), nullInt(feedbackBy), satisfaction, note, nullTime(closedAt),
		nullInt(closedBy), 0, responder, at, at)
}

// referral writes the hand-over of inquiry id: the referral to another
// department, its contact clock, the inquiry's feedback clock, the
// timeline, and how far it got by AsOf. Older matters are mostly closed.
func (w *seedWriter) referral(id int64, at time.Time, who seedStaff) (status models.InquiryStatus, resolution, satisfaction, note string,
	resolvedAt *time.Time, resolvedBy *int64, feedbackAt *time.Time, feedbackBy *int64, closedAt *time.Time, closedBy *int64, err error) {
	g := w.g
	responder := who.id
	dept := g.depts[g.rng.IntN(len(g.depts))]
	if dept == who.dept && len(g.depts) > 1 {
		dept = g.depts[(slices.Index(g.depts, dept)+1)%len(g.depts)]
	}
	var toStaff *int64
	if m := g.members[dept]; len(m) > 0 && g.rng.IntN(10) < 7 {
		p := m[g.rng.IntN(len(m))]
		toStaff = &p
	}
	referredAt := at.Add(g.between(5*time.Minute, 3*time.Hour))
	if !g.before(referredAt) {
		referredAt = at
	}
	// How far the matter got: 0 pending, 1 accepted, 2 contacted,
	// 3 resolved by the department, 4 closed after feedback.
	stage := 4
	if g.asOf.Sub(at) < 7*24*time.Hour {
		stage = g.pick(10, 10, 15, 20, 45)
	} else if g.rng.IntN(100) < 8 {
		stage = g.rng.IntN(4)
	}
	acceptedAt := referredAt.Add(g.between(10*time.Minute, 6*time.Hour))
	contactedAt := acceptedAt.Add(g.between(10*time.Minute, 8*time.Hour))
	doneAt := contactedAt.Add(g.between(time.Hour, 72*time.Hour))
	closeAt := doneAt.Add(g.between(time.Hour, 48*time.Hour))
	for _, t := range []struct {
		stage int
		at    time.Time
	}{{4, closeAt}, {3, doneAt}, {2, contactedAt}, {1, acceptedAt}} {
		if stage >= t.stage && !g.before(t.at) {
			stage = t.stage - 1
		}
	}
	g.nextRef++
	rid := g.nextRef
	assignee := responder
	if toStaff != nil {
		assignee = *toStaff
	} else if stage >= 1 {
		if m := g.members[dept]; len(m) > 0 {
			p := m[g.rng.IntN(len(m))]
			toStaff, assignee = &p, p
		}
	}
	owner := g.supervisor[dept]
	if toStaff != nil {
		owner = *toStaff
	}
	rstatus := []models.ReferralStatus{models.ReferralPending, models.ReferralAccepted, models.ReferralContacted, models.ReferralResolved, models.ReferralResolved}[stage]
	var live any
	if stage <= 2 {
		live = id
	}
	opt := func(ok bool, t time.Time) *time.Time {
		if !ok {
			return nil
		}
		return &t
	}
	by := func(ok bool, v int64) *int64 {
		if !ok {
			return nil
		}
		return &v
	}
	contactNote, rres := "", ""
	if stage >= 2 {
		contactNote = "已电话联系访客"
	}
	if stage >= 3 {
		rres = "已处理完毕"
	}
	if err = w.ref.Add(rid, id, responder, dept, nullInt(toStaff), "请协助办理", referredAt, string(rstatus), live,
		nullTime(opt(stage >= 1, acceptedAt)), nullInt(by(stage >= 1, assignee)),
		nullTime(opt(stage >= 2, contactedAt)), nullInt(by(stage >= 2, assignee)), contactNote,
		nullTime(opt(stage >= 3, doneAt)), nullInt(by(stage >= 3, assignee)), rres, referredAt, referredAt); err != nil {
		return
	}
	// Clocks: hand-over stopped by the referral; contact until contacted;
	// feedback from reception until closed.
	if err = w.clock(models.ClockKey("inquiry", id, models.ClockHandover, 1), models.ClockHandover, id, 0, responder, who.dept, at, &referredAt); err != nil {
		return
	}
	if err = w.clock(fmt.Sprintf("referral:%d:contact", rid), models.ClockContact, id, rid, owner, dept, referredAt, opt(stage >= 2, contactedAt)); err != nil {
		return
	}
	if err = w.clock(models.ClockKey("inquiry", id, models.ClockFeedback, 1), models.ClockFeedback, id, 0, responder, who.dept, at, opt(stage >= 4, closeAt)); err != nil {
		return
	}
	steps := []struct {
		stage int
		kind  models.EventKind
		actor int64
		at    time.Time
	}{{0, models.EventReferred, responder, referredAt}, {1, models.EventAccepted, assignee, acceptedAt}, {2, models.EventContacted, assignee, contactedAt},
		{3, models.EventReferralResolved, assignee, doneAt}, {4, models.EventFeedback, responder, closeAt}, {4, models.EventClosed, responder, closeAt}}
	for _, s := range steps {
		if stage >= s.stage {
			if err = w.eventAt(id, rid, s.kind, s.actor, s.at, ""); err != nil {
				return
			}
		}
	}
	status = models.InquiryReferred
	if stage >= 3 {
		status, resolution, resolvedAt, resolvedBy = models.InquiryResolved, "已处理完毕", &doneAt, &assignee
	}
	if stage >= 4 {
		sat := []models.Satisfaction{models.Satisfied, models.BasicallySatisfied, models.Dissatisfied, models.Unreachable}[g.pick(70, 20, 3, 7)]
		if sat == models.Dissatisfied {
			sat = models.BasicallySatisfied // a dissatisfied answer reopens the matter; kept out for simplicity
		}
		status, satisfaction, note = models.InquiryClosed, string(sat), "已回访"
		feedbackAt, feedbackBy, closedAt, closedBy = &closeAt, &responder, &closeAt, &responder
	}
	return
}

// conduct writes the month's violations in every state.
func (g *seeder) conduct(l *models.Loader) error {
	id, err := l.MaxID("violations")
	if err != nil {
		return err
	}
	rows := l.Rows("violations", "id", "staff_id", "type", "severity", "occurred_at", "inquiry_id",
		"description", "evidence", "source", "sla_clock", "reported_by", "state", "sanction", "window_count",
		"verified_by", "verified_at", "decision_note", "appeal_text", "appealed_at", "appeal_deadline",
		"appeal_decided_by", "appeal_decided_at", "appeal_note", "counted_month", "created_at", "updated_at")
	monthLen := g.asOf.Sub(g.monthStart.UTC())
	types := scoring.AllViolationTypes
	for range g.o.Conduct {
		id++
		st := g.staff[g.rng.IntN(len(g.staff))]
		occurred := g.monthStart.UTC().Add(time.Duration(g.rng.Int64N(int64(monthLen)))).Truncate(time.Millisecond)
		vtype := types[g.rng.IntN(len(types))]
		severity := scoring.AllSeverities[g.pick(60, 30, 10)]
		source := []models.ViolationSource{models.SourceSupervisor, models.SourceVisitorComplaint, models.SourceSLA}[g.pick(60, 20, 20)]
		var inquiry, reportedBy *int64
		var clock *string
		staffID := st.id
		if source == models.SourceSLA && len(g.breaches) > 0 {
			b := g.breaches[len(g.breaches)-1]
			g.breaches = g.breaches[:len(g.breaches)-1]
			staffID, occurred, vtype, severity = b.owner, b.at, b.kind.ViolationType(), scoring.SeverityMinor
			inquiry, clock = &b.inquiry, &b.key
		} else {
			if source == models.SourceSLA {
				source = models.SourceSupervisor
			}
			if sup := g.supervisor[st.dept]; sup != 0 && sup != st.id {
				reportedBy = &sup
			}
			if g.nextInquiry > 0 && g.rng.IntN(2) == 0 {
				n := 1 + g.rng.Int64N(g.nextInquiry)
				inquiry = &n
			}
		}
		state := []models.ViolationState{models.ViolationReported, models.ViolationVerified, models.ViolationDismissed, models.ViolationAppealed,
			models.ViolationUpheld, models.ViolationOverturned}[g.pick(20, 45, 10, 5, 12, 8)]
		var verifiedBy, decidedBy *int64
		var verifiedAt, appealedAt, appealDeadline, decidedAt *time.Time
		var decision, appealText, appealNote, counted *string
		sanction := scoring.SanctionNone
		if state != models.ViolationReported && len(g.hr) > 0 {
			hr := g.hr[g.rng.IntN(len(g.hr))]
			at := occurred.Add(g.between(time.Hour, 72*time.Hour))
			verifiedBy, verifiedAt = &hr, &at
			d := "核实属实"
			if state == models.ViolationDismissed {
				d = "经核实不予认定"
			} else {
				sanction = []scoring.Sanction{scoring.SanctionNone, scoring.SanctionEducation, scoring.SanctionVerbalWarning,
					scoring.SanctionWrittenWarning, scoring.SanctionPublicCriticism}[g.pick(50, 25, 15, 8, 2)]
				deadline := at.Add(7 * 24 * time.Hour)
				appealDeadline = &deadline
				m := g.o.Month
				if state != models.ViolationOverturned {
					counted = &m
				}
			}
			decision = &d
			if state == models.ViolationAppealed || state == models.ViolationUpheld || state == models.ViolationOverturned {
				a := at.Add(g.between(time.Hour, 48*time.Hour))
				text := "对认定有异议，申请复核"
				appealedAt, appealText = &a, &text
				if state != models.ViolationAppealed {
					dAt := a.Add(g.between(time.Hour, 48*time.Hour))
					n := "复核维持原认定"
					if state == models.ViolationOverturned {
						n = "复核撤销原认定"
					}
					decidedBy, decidedAt, appealNote = &hr, &dAt, &n
				}
			}
		}
		if err := rows.Add(id, staffID, string(vtype), string(severity), occurred, nullInt(inquiry),
			"违反首问负责制规定", "现场记录及访客反映", string(source), nullString(clock), nullInt(reportedBy),
			string(state), string(sanction), 1, nullInt(verifiedBy), nullTime(verifiedAt), nullString(decision),
			nullString(appealText), nullTime(appealedAt), nullTime(appealDeadline), nullInt(decidedBy),
			nullTime(decidedAt), nullString(appealNote), nullString(counted), occurred, occurred); err != nil {
			return err
		}
	}
	if err := rows.Flush(); err != nil {
		return err
	}
	g.rep.Violations = rows.Total()
	return nil
}

// praise writes the month's praise, all counted in the month: supervisors'
// praise (recorded by the person's supervisor, else HR) and visitors'
// commendations, half of these naming an inquiry.
func (g *seeder) praise(l *models.Loader) error {
	id, err := l.MaxID("praises")
	if err != nil {
		return err
	}
	rows := l.Rows("praises", "id", "staff_id", "kind", "occurred_at", "inquiry_id", "reason",
		"recorded_by", "counted_month", "carried_over_from", "created_at")
	monthLen := g.asOf.Sub(g.monthStart.UTC())
	for range g.o.Praise {
		id++
		st := g.staff[g.rng.IntN(len(g.staff))]
		occurred := g.monthStart.UTC().Add(time.Duration(g.rng.Int64N(int64(monthLen)))).Truncate(time.Millisecond)
		kind, reason := scoring.PraiseSupervisor, "主动帮助访客办结事项"
		var inquiry, recordedBy *int64
		if g.pick(70, 30) == 1 {
			kind, reason = scoring.PraiseVisitorCommendation, "访客来信表扬"
			if g.nextInquiry > 0 && g.rng.IntN(2) == 0 {
				n := 1 + g.rng.Int64N(g.nextInquiry)
				inquiry = &n
			}
		}
		if sup := g.supervisor[st.dept]; sup != 0 && sup != st.id {
			recordedBy = &sup
		} else if len(g.hr) > 0 {
			recordedBy = &g.hr[g.rng.IntN(len(g.hr))]
		}
		recorded := occurred.Add(g.between(time.Hour, 48*time.Hour))
		if recorded.After(g.asOf) {
			recorded = g.asOf
		}
		if err := rows.Add(id, st.id, string(kind), occurred, nullInt(inquiry), reason, nullInt(recordedBy),
			g.o.Month, nil, recorded); err != nil {
			return err
		}
	}
	if err := rows.Flush(); err != nil {
		return err
	}
	g.rep.Praise = rows.Total()
	return nil
}

// nullTime turns an optional instant into a bind value (nil is NULL).
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// nullInt turns an optional id into a bind value (nil is NULL).
func nullInt(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

// nullString turns an optional text into a bind value (nil is NULL).
func nullString(v *string) any {
	if v == nil {
		return nil
	}
	return *v
}
