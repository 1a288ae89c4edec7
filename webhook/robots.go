package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"firstask/models"
)

// The published limits of one message (docs/robots.md): WeCom's markdown
// content is at most 4096 bytes; DingTalk and Feishu refuse a request body
// above 20,000 bytes (Feishu says 20 KB).
const (
	WeComMaxContent = 4096
	DingTalkMaxBody = 20000
	FeishuMaxBody   = 20000
)

// DingTalkSign is the signature of a DingTalk custom robot's request:
// base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)),
// timestamp in milliseconds. The sender puts it, URL-encoded, in the
// "sign" query parameter beside "timestamp".
func DingTalkSign(secret string, timestampMS int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestampMS, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// FeishuSign is the signature of a Feishu custom bot's request:
// base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)),
// timestamp in seconds. It goes in the body's "sign" beside "timestamp".
func FeishuSign(secret string, timestamp int64) string {
	m := hmac.New(sha256.New, []byte(strconv.FormatInt(timestamp, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SpokenDeadline says a deadline the way people do, seen at now in the
// organisation's zone: "今天 16:40 前", "明天 09:00 前", "12月3日 10:00 前",
// or once passed "已超时 35 分", "已超时 2 小时 5 分", "已超时 3 天".
func SpokenDeadline(deadline, now time.Time, loc *time.Location) string {
	if !now.Before(deadline) {
		d := now.Sub(deadline)
		switch {
		case d < time.Hour:
			return fmt.Sprintf("已超时 %d 分", max(1, int(d/time.Minute)))
		case d < 24*time.Hour:
			h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
			if m == 0 {
				return fmt.Sprintf("已超时 %d 小时", h)
			}
			return fmt.Sprintf("已超时 %d 小时 %d 分", h, m)
		default:
			return fmt.Sprintf("已超时 %d 天", int(d/(24*time.Hour)))
		}
	}
	dl, n := deadline.In(loc), now.In(loc)
	clock := dl.Format("15:04")
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc) }
	switch days := int(day(dl).Sub(day(n)).Hours()/24 + 0.5); {
	case days == 0:
		return "今天 " + clock + " 前"
	case days == 1:
		return "明天 " + clock + " 前"
	case days == 2:
		return "后天 " + clock + " 前"
	case dl.Year() == n.Year():
		return fmt.Sprintf("%d月%d日 %s 前", dl.Month(), dl.Day(), clock)
	default:
		return fmt.Sprintf("%d年%d月%d日 %s 前", dl.Year(), dl.Month(), dl.Day(), clock)
	}
}

// robotPost is one rendered request to a robot.
type robotPost struct {
	URL  string
	Body []byte
}

// robotText is the shared markdown of one or several messages. Mentions
// are written "@<mobile>" for DingTalk (its client highlights them only
// when the number appears in the text) and as names elsewhere.
type robotText struct {
	Title    string
	Markdown string
	Link     string
	Mobiles  []string
}

func (s *Sender) link(path string) string {
	if s.opts.PublicURL == "" || path == "" {
		return ""
	}
	return strings.TrimRight(s.opts.PublicURL, "/") + path
}

// compose writes msgs as one short markdown text: a single message as a
// title and a few lines, several (merged because the robot's rate limit was
// reached) as a digest, one line each.
func (s *Sender) compose(kind string, msgs []models.RobotMessage, now time.Time) robotText {
	var b strings.Builder
	var out robotText
	seen := map[string]bool{}
	mention := func(m models.RobotMessage) string {
		var parts []string
		for _, mob := range m.Mobiles {
			if !seen[mob] {
				seen[mob] = true
				out.Mobiles = append(out.Mobiles, mob)
			}
		}
		if kind == models.ChannelDingTalk {
			for _, mob := range m.Mobiles {
				parts = append(parts, "@"+mob)
			}
			if len(m.Mobiles) < len(m.Names) || len(m.Mobiles) == 0 {
				parts = append(parts, m.Names...) // names of people without a known mobile
			}
		} else {
			parts = append(parts, m.Names...)
		}
		return strings.Join(parts, " ")
	}
	facts := func(m models.RobotMessage) []string {
		var f []string
		if m.Ref != "" {
			f = append(f, "编号 "+m.Ref)
		}
		if m.Phone != "" {
			f = append(f, "来访人 "+m.Phone)
		}
		if m.DeadlineAt != nil {
			f = append(f, "时限 "+SpokenDeadline(*m.DeadlineAt, now, s.opts.Location))
		}
		return f
	}
	if len(msgs) == 1 {
		m := msgs[0]
		out.Title = m.Title
		if m.Ref != "" {
			out.Title += " " + m.Ref
		}
		fmt.Fprintf(&b, "**%s**\n\n", m.Title)
		for _, f := range facts(m) {
			fmt.Fprintf(&b, "> %s\n\n", f)
		}
		for _, l := range m.Lines {
			fmt.Fprintf(&b, "> %s\n\n", l)
		}
		if who := mention(m); who != "" {
			fmt.Fprintf(&b, "提醒：%s\n\n", who)
		}
		out.Link = s.link(m.Path)
		if out.Link != "" {
			fmt.Fprintf(&b, "[查看详情](%s)\n", out.Link)
		}
		out.Markdown = strings.TrimRight(b.String(), "\n")
		return out
	}
	out.Title = fmt.Sprintf("首问负责 %d 条提醒", len(msgs))
	fmt.Fprintf(&b, "**%s**\n\n", out.Title)
	for _, m := range msgs {
		line := m.Title
		if f := facts(m); len(f) > 0 {
			line += "：" + strings.Join(f, "，")
		}
		if who := mention(m); who != "" {
			line += " " + who
		}
		if l := s.link(m.Path); l != "" && m.Ref != "" {
			line += fmt.Sprintf(" [查看](%s)", l)
		}
		fmt.Fprintf(&b, "- %s\n", line)
	}
	out.Link = s.link("/todo")
	out.Markdown = strings.TrimRight(b.String(), "\n")
	return out
}

// render builds the platform's request for msgs, signed at t, and says
// whether it is within the platform's size limit.
func (s *Sender) render(d models.Delivery, msgs []models.RobotMessage, t time.Time) (robotPost, bool, error) {
	txt := s.compose(d.Kind, msgs, t)
	post := robotPost{URL: d.URL}
	var body map[string]any
	fits := true
	switch d.Kind {
	case models.ChannelWeCom:
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]any{"content": txt.Markdown}}
		fits = len(txt.Markdown) <= WeComMaxContent
	case models.ChannelDingTalk:
		if d.Format == "actionCard" && txt.Link != "" {
			// actionCard has no @: mentions show as text only; its button
			// is the link.
			text := strings.TrimSuffix(txt.Markdown, "\n\n[查看详情]("+txt.Link+")")
			body = map[string]any{"msgtype": "actionCard", "actionCard": map[string]any{
				"title": txt.Title, "text": text, "btnOrientation": "0",
				"singleTitle": "查看详情", "singleURL": txt.Link}}
		} else {
			mobiles := txt.Mobiles
			if mobiles == nil {
				mobiles = []string{}
			}
			body = map[string]any{"msgtype": "markdown", "markdown": map[string]any{"title": txt.Title, "text": txt.Markdown},
				"at": map[string]any{"atMobiles": mobiles, "isAtAll": false}}
		}
		if d.Secret != "" {
			u, err := url.Parse(d.URL)
			if err != nil {
				return post, false, err
			}
			ms := t.UnixMilli()
			q := u.Query()
			q.Set("timestamp", strconv.FormatInt(ms, 10))
			q.Set("sign", DingTalkSign(d.Secret, ms))
			u.RawQuery = q.Encode()
			post.URL = u.String()
		}
	case models.ChannelFeishu:
		if d.Format == "post" {
			var lines [][]map[string]any
			for _, l := range strings.Split(txt.Markdown, "\n") {
				l = strings.TrimSpace(strings.TrimPrefix(strings.Trim(l, "*"), "> "))
				if l == "" || strings.HasPrefix(l, "[查看详情]") {
					continue
				}
				lines = append(lines, []map[string]any{{"tag": "text", "text": l}})
			}
			if txt.Link != "" {
				lines = append(lines, []map[string]any{{"tag": "a", "text": "查看详情", "href": txt.Link}})
			}
			body = map[string]any{"msg_type": "post", "content": map[string]any{"post": map[string]any{
				"zh_cn": map[string]any{"title": txt.Title, "content": lines}}}}
		} else {
			elements := []any{map[string]any{"tag": "div", "text": map[string]any{"tag": "lark_md", "content": txt.Markdown}}}
			template := "blue"
			if len(msgs) == 1 && msgs[0].Event == models.RobotEscalation {
				template = "red"
			}
			body = map[string]any{"msg_type": "interactive", "card": map[string]any{
				"config":   map[string]any{"wide_screen_mode": true},
				"header":   map[string]any{"title": map[string]any{"tag": "plain_text", "content": txt.Title}, "template": template},
				"elements": elements}}
		}
		if d.Secret != "" {
			ts := t.Unix()
			body["timestamp"] = strconv.FormatInt(ts, 10)
			body["sign"] = FeishuSign(d.Secret, ts)
		}
	default:
		return post, false, fmt.Errorf("unknown robot kind %q", d.Kind)
	}
	// Plain UTF-8, no \u003e escapes: the size limits count bytes.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(body)
	post.Body = bytes.TrimRight(buf.Bytes(), "\n")
	switch d.Kind {
	case models.ChannelDingTalk:
		fits = fits && len(post.Body) <= DingTalkMaxBody
	case models.ChannelFeishu:
		fits = fits && len(post.Body) <= FeishuMaxBody
	}
	return post, fits, err
}

// robotAnswer is what the robots answer, even with HTTP 200 on an error:
// WeCom and DingTalk {"errcode": 0, "errmsg": "ok"}, Feishu {"code": 0,
// "msg": "success"} (older bots "StatusCode").
type robotAnswer struct {
	ErrCode    *int   `json:"errcode"`
	ErrMsg     string `json:"errmsg"`
	Code       *int   `json:"code"`
	Msg        string `json:"msg"`
	StatusCode *int   `json:"StatusCode"`
}

// robotResult turns a robot's answer into the outcome: a 2xx whose body
// carries a non-zero error code, or no code at all, is a failure.
func robotResult(status int, body []byte) string {
	if status < 200 || status >= 300 {
		return ""
	}
	var a robotAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return "robot answer not understood"
	}
	code, msg := a.ErrCode, a.ErrMsg
	if code == nil {
		code, msg = a.Code, a.Msg
	}
	if code == nil {
		code = a.StatusCode
	}
	switch {
	case code == nil:
		return "robot answer not understood"
	case *code != 0:
		return fmt.Sprintf("robot answered error %d: %s", *code, cutBytes(msg, 200))
	}
	return ""
}

func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// sendRobot posts the claimed messages of one robot: merged into one
// message when several wait (its rate limit was reached, or they came at
// once), as many as fit the platform's size limit; the rest stay queued
// for the next post. At the rate limit nothing is posted and the messages
// wait, to be merged later: nothing is dropped.
func (s *Sender) sendRobot(ctx context.Context, ds []models.Delivery, at time.Time) (int, error) {
	kind := ds[0].Kind
	for _, w := range models.RobotLimits[kind] {
		n, err := s.store.RobotPostsSince(ctx, ds[0].WebhookID, at.Add(-w.Per))
		if err != nil {
			return 0, err
		}
		if n >= w.Max {
			return 0, s.store.DeferDeliveries(ctx, ds, at.Add(w.Per/time.Duration(w.Max)))
		}
	}
	msgs := make([]models.RobotMessage, 0, len(ds))
	for _, d := range ds {
		var m models.RobotMessage
		if err := json.Unmarshal(d.Payload, &m); err != nil {
			m = models.RobotMessage{Title: "（消息无法读取）"}
		}
		msgs = append(msgs, m)
	}
	take := len(ds)
	var post robotPost
	fits := false
	for ; take > 0 && !fits; take-- {
		var err error
		if post, fits, err = s.render(ds[0], msgs[:take], at); err != nil {
			return 0, err
		}
		if !fits && take == 1 && (len(msgs[0].Lines) > 0 || len(msgs[0].Names) > 0) {
			// One message alone too long (a crowd of mentions): shed its
			// extra lines and names rather than lose it.
			msgs[0].Lines, msgs[0].Names, msgs[0].Mobiles = nil, nil, nil
			take++
		}
	}
	take++
	if take < len(ds) {
		if err := s.store.DeferDeliveries(ctx, ds[take:], at); err != nil {
			return 0, err
		}
	}
	var res models.DeliveryResult
	if fits {
		res = s.postRobot(ctx, post)
	} else {
		res.Err = "message longer than the platform allows"
	}
	var err error
	for _, d := range ds[:take] {
		r := res
		if res.Err != "" {
			if d.Attempt < s.opts.MaxAttempts {
				r.Retry = at.Add(s.Backoff(d.Attempt))
			}
		}
		s.observe(r, d)
		if rerr := s.store.RecordDelivery(context.WithoutCancel(ctx), d, at, r); rerr != nil && err == nil {
			err = rerr
		}
		s.logAttempt(d, r)
	}
	return take, err
}

func (s *Sender) postRobot(ctx context.Context, p robotPost) models.DeliveryResult {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(p.Body))
	if err != nil {
		return models.DeliveryResult{Err: "invalid URL"}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "firstask-robot/1")
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return models.DeliveryResult{Err: publicError(err), Duration: time.Since(start)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	res := models.DeliveryResult{StatusCode: resp.StatusCode, Duration: time.Since(start)}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		res.Err = fmt.Sprintf("receiver answered %d", resp.StatusCode)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			res.Err += " (redirects are not followed)"
		}
		return res
	}
	res.Err = robotResult(resp.StatusCode, body)
	return res
}
