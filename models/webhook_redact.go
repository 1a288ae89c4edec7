package models

import (
	"net/url"
	"slices"
	"strings"
)

// RedactURL hides the credentials a webhook URL may carry before it is
// shown or audited: the user information and the value of every query
// parameter (DingTalk's access_token, WeCom's key). The stored URL, used
// for delivery, keeps them. Unparsable URLs are hidden whole.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, url.QueryEscape(k)+"=***")
		}
		slices.Sort(keys)
		u.RawQuery = strings.Join(keys, "&")
	}
	return u.String()
}

// cutRunes shortens s to at most n characters (never inside a UTF-8
// sequence, which MySQL would refuse and SQLite would store broken).
func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
