package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"firstask/models"
)

// The group robots page (/channels): admins add, list and delete WeCom,
// DingTalk and Feishu robots for any department, supervisors for their
// own. Everyone else gets 404.

// channelsView is the page's data.
type channelsView struct {
	Items       []models.RobotChannel
	Departments []models.Department
	DeptNames   map[int64]string
	Kinds       []string
	Events      []string
	Errors      map[string]string
	Form        url.Values
}

// Checked reports whether an event box of the form is ticked (all are on
// a fresh form).
func (v channelsView) Checked(event string) bool {
	if v.Form == nil {
		return true
	}
	for _, e := range v.Form["events"] {
		if e == event {
			return true
		}
	}
	return false
}

// DeptName names a robot's department ("" for every department).
func (v channelsView) DeptName(id *int64) string {
	if id == nil {
		return ""
	}
	return v.DeptNames[*id]
}

// Host is the host a robot posts to (its full address, with the
// credentials hidden, is in the API's answer).
func (v channelsView) Host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

func mayManageRobots(rq *request) bool {
	return rq.Actor.Role == models.RoleAdmin || rq.Actor.Role == models.RoleSupervisor
}

func (h *Handler) channels(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderChannels(w, r, rq, http.StatusOK, nil, nil)
}

func (h *Handler) renderChannels(w http.ResponseWriter, r *http.Request, rq *request, status int, errs map[string]string, form url.Values) error {
	if !mayManageRobots(rq) {
		return models.Errorf(models.ENotFound, "no such page")
	}
	items, err := h.store.ListChannels(r.Context(), rq.Actor)
	if err != nil {
		return err
	}
	depts, err := h.store.ListDepartments(r.Context(), rq.Actor)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, d := range depts {
		names[d.ID] = d.Name
	}
	h.render(w, r, rq, status, "channels", pick(rq.Lang, "群机器人", "Group robots"), channelsView{
		Items: items, Departments: depts, DeptNames: names, Kinds: models.RobotKinds, Events: models.RobotEvents,
		Errors: errs, Form: form})
	return nil
}

func (h *Handler) addChannel(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !mayManageRobots(rq) {
		return models.Errorf(models.ENotFound, "no such page")
	}
	if err := r.ParseForm(); err != nil {
		return models.Errorf(models.EMalformed, "bad form")
	}
	f := r.PostForm
	in := models.RobotChannelInput{Kind: f.Get("kind"), Format: f.Get("format"), Name: f.Get("name"), URL: f.Get("url"),
		Secret: f.Get("secret"), Events: f["events"]}
	include := f.Get("include_sub") != ""
	in.IncludeSub = &include
	if d := strings.TrimSpace(f.Get("department_id")); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return h.renderChannels(w, r, rq, http.StatusUnprocessableEntity, map[string]string{"department_id": pick(rq.Lang, "请选择部门", "Choose a department")}, f)
		}
		in.DepartmentID = &id
	}
	if len(in.Events) == 0 {
		return h.renderChannels(w, r, rq, http.StatusUnprocessableEntity, map[string]string{"events": pick(rq.Lang, "至少选择一类事件", "Choose at least one event")}, f)
	}
	_, err := h.store.CreateChannel(r.Context(), rq.Actor, in)
	if fe, ok := fieldErrors(err); ok {
		return h.renderChannels(w, r, rq, http.StatusUnprocessableEntity, fe, f)
	}
	if models.ErrorCode(err) == models.EForbidden {
		return h.renderChannels(w, r, rq, http.StatusForbidden, map[string]string{"department_id": models.ErrorMessage(err)}, f)
	}
	if err != nil {
		return err
	}
	return h.redirect(w, r, "/channels", pick(rq.Lang, "已添加群机器人。", "Robot added."))
}

func (h *Handler) deleteChannel(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !mayManageRobots(rq) {
		return models.Errorf(models.ENotFound, "no such page")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return models.Errorf(models.ENotFound, "no such robot")
	}
	if err := h.store.DeleteChannel(r.Context(), rq.Actor, id); err != nil {
		return err
	}
	return h.redirect(w, r, "/channels", pick(rq.Lang, "已删除群机器人。", "Robot deleted."))
}

func init() {
	labels["robot"] = map[string][2]string{
		models.ChannelWeCom: {"企业微信群机器人", "WeCom group robot"}, models.ChannelDingTalk: {"钉钉自定义机器人", "DingTalk custom robot"},
		models.ChannelFeishu: {"飞书自定义机器人", "Feishu custom bot"}}
	labels["robot_event"] = map[string][2]string{
		models.RobotAssignment: {"新转办", "Assignment"}, models.RobotReminder: {"到期提醒", "Reminder"},
		models.RobotEscalation: {"超时升级", "Breach and escalation"}, models.RobotExtension: {"延期申请与审批", "Extensions"},
		models.RobotViolationVerified: {"违规查实", "Violation verified"}, models.RobotAppealDecided: {"申诉结果", "Appeal decided"},
		models.RobotMonthClosed: {"月度结账", "Month closed"}}
}
