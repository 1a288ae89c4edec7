package api

import (
	"slices"

	"github.com/gin-gonic/gin"

	"firstask/models"
)

// access says who may call a route: anyone (public), or signed-in callers
// holding one of the roles. This is the single place that decides; the
// store then narrows what each caller sees (department or own records).
type access struct {
	public bool
	roles  []models.Role
}

var (
	public        = access{public: true}
	signedIn      = access{roles: models.AllRoles}
	supervisorsUp = access{roles: []models.Role{models.RoleSupervisor, models.RoleHR, models.RoleAdmin}}
	hrUp          = access{roles: []models.Role{models.RoleHR, models.RoleAdmin}}
	adminOnly     = access{roles: []models.Role{models.RoleAdmin}}
)

// handle registers a route with its access rule; every route of the API
// goes through here so that none can be added without a rule.
func (s *Server) handle(g *gin.RouterGroup, method, path string, a access, handlers ...gin.HandlerFunc) {
	chain := []gin.HandlerFunc{}
	if !a.public || path == "/auth/login" {
		// Answers for a signed-in caller (and the token of a sign-in) are
		// personal: no browser or proxy cache may keep them.
		chain = append(chain, noStore)
	}
	if !a.public {
		chain = append(chain, s.authenticate, requireRole(s, a.roles))
	}
	if refuse := s.refuseUnknownQuery(method, joinPath(g.BasePath(), path)); refuse != nil {
		chain = append(chain, refuse)
	}
	chain = append(chain, handlers...)
	g.Handle(method, path, chain...)
	s.routes[method+" "+joinPath(g.BasePath(), path)] = a
}

// noStore marks the answer personal: Cache-Control: no-store.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

func joinPath(base, path string) string {
	if base == "/" {
		return path
	}
	return base + path
}

func requireRole(s *Server, roles []models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, actor(c).Role) {
			s.failCode(c, models.EForbidden, "your role may not do this")
			return
		}
		c.Next()
	}
}
