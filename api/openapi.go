package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openapiYAML is the hand-written OpenAPI document, embedded so that the
// binary always serves the contract it was built and tested with.
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapiJSON converts the embedded document once, keeping the key order
// of the YAML so that the JSON reads the same way.
func openapiJSON() ([]byte, error) {
	raw, err := yaml.YAMLToJSON(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, raw); err != nil {
		return nil, fmt.Errorf("openapi.yaml: not convertible to JSON: %w", err)
	}
	return out.Bytes(), nil
}

func (s *Server) serveOpenAPIJSON(c *gin.Context) {
	c.Data(http.StatusOK, "application/json; charset=utf-8", s.openapiJSON)
}

func (s *Server) serveOpenAPIYAML(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", openapiYAML)
}
