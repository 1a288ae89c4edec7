package scoring

import "testing"

func TestEnumsValid(t *testing.T) {
	tests := []struct {
		name  string
		valid bool
		got   bool
	}{
		{"violation type buck_passing", true, ViolationBuckPassing.Valid()},
		{"violation type unknown", false, ViolationType("late").Valid()},
		{"violation type empty", false, ViolationType("").Valid()},
		{"severity serious", true, SeveritySerious.Valid()},
		{"severity unknown", false, Severity("grave").Valid()},
		{"sanction none", true, SanctionNone.Valid()},
		{"sanction public_criticism", true, SanctionPublicCriticism.Valid()},
		{"sanction unknown", false, Sanction("dismissal").Valid()},
		{"praise kind visitor", true, PraiseVisitorCommendation.Valid()},
		{"praise kind unknown", false, PraiseKind("bonus").Valid()},
		{"grade D", true, GradeD.Valid()},
		{"grade E", false, Grade("E").Valid()},
		{"record kind correction", true, RecordCorrection.Valid()},
		{"record kind unknown", false, RecordKind("note").Valid()},
	}
	for _, tt := range tests {
		if tt.got != tt.valid {
			t.Errorf("%s: Valid() = %v, want %v", tt.name, tt.got, tt.valid)
		}
	}

	lists := []struct {
		name  string
		n     int
		want  int
		valid bool
	}{
		{"AllViolationTypes", len(AllViolationTypes), 8, allValid(AllViolationTypes)},
		{"AllSeverities", len(AllSeverities), 3, allValid(AllSeverities)},
		{"AllSanctions", len(AllSanctions), 4, allValid(AllSanctions)},
		{"AllPraiseKinds", len(AllPraiseKinds), 2, allValid(AllPraiseKinds)},
		{"AllGrades", len(AllGrades), 4, allValid(AllGrades)},
		{"AllRecordKinds", len(AllRecordKinds), 3, allValid(AllRecordKinds)},
	}
	for _, tt := range lists {
		if tt.n != tt.want || !tt.valid {
			t.Errorf("%s: %d entries (want %d), all valid = %v", tt.name, tt.n, tt.want, tt.valid)
		}
	}
}

func allValid[T interface{ Valid() bool }](xs []T) bool {
	for _, x := range xs {
		if !x.Valid() {
			return false
		}
	}
	return true
}

func TestSanctionRank(t *testing.T) {
	tests := []struct {
		s    Sanction
		rank int
	}{
		{SanctionNone, 0},
		{SanctionEducation, 1},
		{SanctionVerbalWarning, 2},
		{SanctionWrittenWarning, 3},
		{SanctionPublicCriticism, 4},
		{Sanction("dismissal"), -1},
	}
	for _, tt := range tests {
		if got := tt.s.Rank(); got != tt.rank {
			t.Errorf("%q.Rank() = %d, want %d", tt.s, got, tt.rank)
		}
	}
	for i, s := range AllSanctions {
		if s.Rank() != i+1 {
			t.Errorf("AllSanctions[%d] = %s has rank %d", i, s, s.Rank())
		}
	}
	if !SanctionPublicCriticism.AtLeast(SanctionWrittenWarning) || SanctionVerbalWarning.AtLeast(SanctionWrittenWarning) || !SanctionWrittenWarning.AtLeast(SanctionWrittenWarning) {
		t.Error("AtLeast does not follow Rank")
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"late_referral zh", ViolationLateReferral.Label("zh"), "未及时移交"},
		{"late_contact default", ViolationLateContact.Label(""), "到岗后未及时联系"},
		{"cold zh", ViolationColdOrUninformed.Label("zh-CN"), "冷漠对待/应告知未告知"},
		{"buck_passing zh", ViolationBuckPassing.Label("zh"), "推诿扯皮"},
		{"rude zh", ViolationRudeOrForbiddenPhrase.Label("zh"), "态度恶劣/使用忌语"},
		{"incomplete zh", ViolationIncompleteRecord.Label("zh"), "未登记/记录不全"},
		{"no_feedback zh", ViolationNoFeedback.Label("zh"), "未跟踪反馈"},
		{"other zh", ViolationOther.Label("zh"), "其他"},
		{"buck_passing en", ViolationBuckPassing.Label("en"), "Buck-passing"},
		{"buck_passing en-US", ViolationBuckPassing.Label("en-US"), "Buck-passing"},
		{"buck_passing EN", ViolationBuckPassing.Label("EN"), "Buck-passing"},
		{"lang 'eng' is not English", ViolationBuckPassing.Label("eng"), "推诿扯皮"},
		{"unknown type as is", ViolationType("mystery").Label("en"), "mystery"},
		{"minor zh", SeverityMinor.Label("zh"), "轻微"},
		{"ordinary zh", SeverityOrdinary.Label("zh"), "一般"},
		{"serious zh", SeveritySerious.Label("zh"), "严重"},
		{"serious en", SeveritySerious.Label("en"), "Serious"},
		{"none zh", SanctionNone.Label("zh"), "无"},
		{"education zh", SanctionEducation.Label("zh"), "教育"},
		{"verbal zh", SanctionVerbalWarning.Label("zh"), "口头警告"},
		{"written zh", SanctionWrittenWarning.Label("zh"), "书面警告"},
		{"public zh", SanctionPublicCriticism.Label("zh"), "通报批评"},
		{"public en", SanctionPublicCriticism.Label("en"), "Public criticism"},
		{"supervisor praise zh", PraiseSupervisor.Label("zh"), "主管表扬"},
		{"visitor commendation zh", PraiseVisitorCommendation.Label("zh"), "群众表扬(表扬信/锦旗)"},
		{"visitor commendation en", PraiseVisitorCommendation.Label("en"), "Visitor commendation (letter / banner)"},
		{"A zh", GradeA.Label("zh"), "优秀"},
		{"B zh", GradeB.Label("zh"), "良好"},
		{"C zh", GradeC.Label("zh"), "合格"},
		{"D zh", GradeD.Label("zh"), "不合格"},
		{"D en", GradeD.Label("en"), "Fail"},
		{"violation kind zh", RecordViolation.Label("zh"), "违规"},
		{"correction kind en", RecordCorrection.Label("en"), "Correction"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
