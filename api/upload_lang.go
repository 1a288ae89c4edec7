package api

import (
	"fmt"
	"unicode"

	"github.com/gin-gonic/gin"

	"firstask/models"
	"firstask/reports"
)

// ctxUploadLang marks an upload route's request with the language its
// messages are worded in (?lang=, Chinese by default, like the workbooks).
const ctxUploadLang = "firstask.upload_lang"

// markUpload runs first on the upload routes, before the body limit and
// the sign-in and role checks, so that every refusal of an upload, theirs
// included, follows ?lang=.
func markUpload(c *gin.Context) { c.Set(ctxUploadLang, workbookLang(c)) }

// uploadLangOf returns the language of an upload request, and whether the
// request is an upload.
func uploadLangOf(c *gin.Context) (reports.Lang, bool) {
	v, ok := c.Get(ctxUploadLang)
	if !ok {
		return "", false
	}
	l, ok := v.(reports.Lang)
	return l, ok
}

// limitUpload is limitBody for the upload routes: the 413 of a declared
// length over the limit is worded in the upload's language.
func limitUpload(n int64) gin.HandlerFunc {
	inner := limitBody(n)
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			lang, _ := uploadLangOf(c)
			c.AbortWithStatusJSON(413, ErrorBody{Error: ErrorDetail{Code: models.ETooLarge, Message: tooLargeMessage(lang, n)}})
			return
		}
		inner(c)
	}
}

func tooLargeMessage(lang reports.Lang, n int64) string {
	return pick(lang, fmt.Sprintf("文件过大：上传最多 %d 字节（%.0f MiB）", n, float64(n)/(1<<20)),
		fmt.Sprintf("the upload is larger than %d bytes", n))
}

// uploadFallback words, in Chinese, the refusals of an upload that are
// raised before its handler or by the store in English: sign-in, role,
// scope, a closed month, an internal error.
func uploadFallback(c *gin.Context, body *ErrorDetail, rid string) {
	lang, ok := uploadLangOf(c)
	if !ok || lang == reports.LangEN || hasHan(body.Message) {
		return
	}
	switch body.Code {
	case models.EUnauthorized:
		body.Message = "未登录或登录已过期：请重新登录后再上传"
	case models.EForbidden:
		body.Message = "你的角色不能上传此文件：只有人事和管理员可以"
	case models.ENotFound:
		body.Message = "找不到该月份或页面：月份写作 YYYY-MM"
	case models.EConflict:
		body.Message = "该月份已结账，考核结果不能再更改：文件未被接收"
		if c.FullPath() == "/api/v1/staff/import" {
			body.Message = "数据同时被其他操作更改：文件未被接收，请重新上传"
		}
	case models.ETooLarge:
		body.Message = "文件过大：文件未被接收"
	case models.EUnsupported:
		body.Message = "文件不是 .xlsx 工作簿：请在 Excel 或 WPS 中另存为 .xlsx 后上传"
	case models.EMalformed:
		body.Message = "请求无法读取：请重新上传"
	case models.EInternal:
		body.Message = "服务器内部错误，文件未被接收；请提供请求编号 " + rid
	case models.EInvalid:
		body.Message = "文件有问题，未被接收"
	}
}

// hasHan reports whether s has a Chinese character (a message already
// worded in Chinese).
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
