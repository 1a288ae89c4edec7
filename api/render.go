package api

import "time"

// rfc3339 formats an instant for JSON in the API's convention.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
