package scoring

import (
	"math/rand/v2"
	"testing"
	"time"
)

// benchMonth generates a deterministic month of nPeople staff and nRecords conduct records:
// most records are violations, a quarter praise, a few corrections and a few for unknown staff.
func benchMonth(nPeople, nRecords int) ([]Person, []Record) {
	rng := rand.New(rand.NewPCG(2026, 10))
	people := make([]Person, nPeople)
	for i := range people {
		people[i] = Person{StaffID: int64(i + 1), EmployeeNo: "E", Name: "N", DepartmentID: int64(i % 50)}
		if i%3 == 0 {
			people[i].UploadedBase = scoreOf(float64(60 + rng.IntN(41)))
		}
	}
	start := time.Date(2026, time.October, 1, 0, 0, 0, 0, cst)
	from := Month{2026, time.September}
	records := make([]Record, nRecords)
	for j := range records {
		rec := Record{
			ID:         int64(j + 1),
			StaffID:    int64(1 + rng.IntN(nPeople+nPeople/100)), // about 1% unknown staff
			OccurredAt: start.Add(time.Duration(rng.Int64N(int64(31 * 24 * time.Hour)))),
		}
		switch p := rng.IntN(100); {
		case p < 70:
			rec.Kind = RecordViolation
			rec.ViolationType = AllViolationTypes[rng.IntN(len(AllViolationTypes))]
			rec.Severity = AllSeverities[rng.IntN(len(AllSeverities))]
			rec.Sanction = AllSanctions[rng.IntN(len(AllSanctions))]
		case p < 95:
			rec.Kind = RecordPraise
			rec.PraiseKind = AllPraiseKinds[rng.IntN(len(AllPraiseKinds))]
		default:
			rec.Kind = RecordCorrection
			rec.Points = float64(1 + rng.IntN(20))
			rec.CarriedOverFrom = &from
		}
		records[j] = rec
	}
	return people, records
}

// BenchmarkComputeMonth scores 10,000 people with 200,000 records, the scale of docs/domain.md §6.
func BenchmarkComputeMonth(b *testing.B) {
	r := DefaultRuleSet()
	people, records := benchMonth(10_000, 200_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		results := ComputeMonth(r, people, records)
		if len(results) != len(people) {
			b.Fatal("wrong number of results")
		}
	}
}

// BenchmarkComputePerson scores one person with 20 records, as a live "my score" page does.
func BenchmarkComputePerson(b *testing.B) {
	r := DefaultRuleSet()
	people, records := benchMonth(1, 20)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ComputePerson(r, people[0], records)
	}
}
