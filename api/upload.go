package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"firstask/books"
	"firstask/models"
	"firstask/reports"
	"firstask/scoring"
)

// xlsxMediaType is the media type of every workbook the API sends.
const xlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// uploadField is the multipart field that carries an uploaded workbook.
const uploadField = "file"

// readUpload reads the workbook of a multipart upload into memory: the
// request must be multipart/form-data with a part named "file" (413 past
// the upload limit, 415 for another media type, 422 without the part).
// Holding the file in memory costs at most the upload limit and leaves no
// temporary file behind; excelize reads the whole archive into memory in
// any case.
func readUpload(c *gin.Context) (data []byte, filename string, err error) {
	lang := workbookLang(c)
	ct := c.GetHeader("Content-Type")
	mt, _, perr := mime.ParseMediaType(ct)
	if perr != nil || mt != "multipart/form-data" {
		return nil, "", models.Errorf(models.EUnsupported, "%s", pick(lang,
			fmt.Sprintf("请以 multipart/form-data 上传，文件放在字段“%s”中（收到的是 %q）", uploadField, ct),
			fmt.Sprintf("send the workbook as multipart/form-data with the file in the field %q, not %q", uploadField, ct)))
	}
	allowUpload(c.Request)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, "", bodyError(err, lang)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", models.Invalid(models.FieldProblem{Field: uploadField, Message: pick(lang,
				"不能为空：请在这个字段中附上 .xlsx 工作簿", "is required: attach the .xlsx workbook in this multipart field")})
		}
		if err != nil {
			return nil, "", bodyError(err, lang)
		}
		if part.FormName() != uploadField {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, "", bodyError(err, lang)
			}
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, part); err != nil {
			return nil, "", bodyError(err, lang)
		}
		return buf.Bytes(), part.FileName(), nil
	}
}

// bodyError turns a failure to read the body into a 413 when the limit was
// passed and a 400 otherwise, worded in lang.
func bodyError(err error, lang reports.Lang) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return models.Errorf(models.ETooLarge, "%s", tooLargeMessage(lang, tooBig.Limit))
	}
	return models.Errorf(models.EMalformed, "%s", pick(lang, "上传内容无法读取（multipart 格式错误）："+err.Error(),
		"the multipart body could not be read: "+err.Error()))
}

// workbookMonth reads the {month} path parameter; a malformed month is a
// 404 like any other malformed path parameter.
func workbookMonth(c *gin.Context) (scoring.Month, error) {
	m, err := scoring.ParseMonth(c.Param("month"))
	if err != nil {
		return m, models.Errorf(models.ENotFound, "month %q not found: months are written YYYY-MM", c.Param("month"))
	}
	return m, nil
}

// contentDisposition names a download: a plain ASCII fallback for old
// clients and the real (often Chinese) name in RFC 5987 form. Both are
// cleaned first (safeFileName): names come from staff names, which HR
// types or imports.
func contentDisposition(name, asciiFallback string) string {
	name, asciiFallback = safeFileName(name), books.ASCIIName(safeFileName(asciiFallback))
	var b strings.Builder
	for _, r := range []byte(name) {
		if isAttrChar(r) {
			b.WriteByte(r)
		} else {
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiFallback, b.String())
}

// safeFileName drops from a download's name what could disguise it or
// reach outside the name: control characters (Cc), format characters (Cf:
// the bidi overrides that turn "…\u202Exslx.exe" into "…exe.xlsx" on
// screen, zero-width characters), line and paragraph separators, and
// path separators; invalid UTF-8 goes too.
func safeFileName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, r == '/', r == '\\':
			return '_'
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
			return -1
		}
		return r
	}, name)
}

// isAttrChar reports whether c may stand unescaped in an RFC 5987 value.
func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// attachment is a response writer that sends the download headers with
// the first byte, so that an error found before anything was written can
// still be answered with the JSON error envelope.
type attachment struct {
	c           *gin.Context
	disposition string
	written     bool
}

func newAttachment(c *gin.Context, name, asciiFallback string) *attachment {
	return &attachment{c: c, disposition: contentDisposition(name, asciiFallback)}
}

// Write implements io.Writer.
func (a *attachment) Write(p []byte) (int, error) {
	if !a.written {
		a.written = true
		h := a.c.Writer.Header()
		h.Set("Content-Type", xlsxMediaType)
		h.Set("Content-Disposition", a.disposition)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		a.c.Status(http.StatusOK)
	}
	return a.c.Writer.Write(p)
}

// finish ends a download: an error before the first byte is answered
// normally; after it, the response can only be cut short.
func (s *Server) finishAttachment(c *gin.Context, a *attachment, err error) {
	switch {
	case err == nil:
		if !a.written {
			a.Write(nil)
		}
	case !a.written:
		s.fail(c, err)
	default:
		s.log.Error("workbook download cut short", slog.String("request_id", requestID(c)), slog.String("route", c.FullPath()), slog.Any("error", err))
		c.Abort()
	}
}
