package models

// Page is a page request: 1-based page number and page size (≤ 200).
type Page struct {
	Number int
	Size   int
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// MaxPageSize is the largest page a list returns.
const MaxPageSize = 200
