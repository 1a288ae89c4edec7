package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

// robotManagers may manage group robots: admins for every department,
// supervisors for their own (the store narrows, models/access.go).
var robotManagers = access{roles: []models.Role{models.RoleSupervisor, models.RoleAdmin}}

func (s *Server) listChannels(c *gin.Context) {
	items, err := s.store.ListChannels(c.Request.Context(), actor(c))
	s.reply(c, http.StatusOK, gin.H{"items": items}, err)
}

func (s *Server) createChannel(c *gin.Context) {
	var in models.RobotChannelInput
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.checkTarget(c, strings.TrimSpace(in.URL)); err != nil {
		s.fail(c, err)
		return
	}
	ch, err := s.store.CreateChannel(c.Request.Context(), actor(c), in)
	s.reply(c, http.StatusCreated, ch, err)
}

func (s *Server) deleteChannel(c *gin.Context) {
	id, err := pathID(c, "id")
	if err == nil {
		err = s.store.DeleteChannel(c.Request.Context(), actor(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listChannelDeliveries(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	items, total, err := s.store.ListChannelDeliveries(c.Request.Context(), actor(c), id, p)
	s.reply(c, http.StatusOK, list(items, total, p), err)
}
