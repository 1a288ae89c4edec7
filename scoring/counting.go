package scoring

// CountingMonth says which month a conduct record counts in when it takes effect (is verified,
// upheld or recorded): its own month if that month is open, otherwise the earliest open month
// after it, in which case carriedOver is true.
//
// occurred is the month of the record's occurred_at. isClosed reports whether
// a month is closed at the moment the record takes effect; a month without a
// period row yet is open. firstOpen is the earliest open month: months before
// it are taken as closed without asking isClosed, so a record never counts
// before firstOpen (the zero Month sets no floor). isClosed is asked only
// about months from max(occurred, firstOpen) on; a nil isClosed treats all of
// those as open. The search stops at December 2999, the last valid month.
//
// Corrections use the same rule: an appeal overturned after its month closed
// gives its points back in CountingMonth(violation's month, ...), carried over.
func CountingMonth(occurred Month, isClosed func(Month) bool, firstOpen Month) (counted Month, carriedOver bool) {
	counted = occurred
	if counted.Before(firstOpen) {
		counted = firstOpen
	}
	if isClosed != nil {
		last := Month{Year: maxMonthYear, Mon: 12}
		for isClosed(counted) && counted.Before(last) {
			counted = counted.Next()
		}
	}
	return counted, counted != occurred
}
