package dashboards

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/padis/padis/models"
)

var echoParam = regexp.MustCompile(`:([a-zA-Z_]+)`)

// OpenAPI returns the OpenAPI 3.0 document of the API routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, r := range s.routes {
		if !r.API {
			continue
		}
		p := echoParam.ReplaceAllString(r.Path, "{$1}")
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{"operationId": r.Name, "summary": r.Summary}
		var params []any
		for _, pa := range r.Params {
			sch := map[string]any{"type": "string"}
			if len(pa.Enum) > 0 {
				sch["enum"] = pa.Enum
			}
			params = append(params, map[string]any{"name": pa.Name, "in": pa.In, "required": pa.Required || pa.In == "path", "description": pa.Desc, "schema": sch})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.Body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + r.Body}}}}
		}
		content := map[string]any{}
		produces := r.Produces
		if len(produces) == 0 {
			produces = []string{"application/json"}
		}
		for _, m := range produces {
			content[m] = map[string]any{}
		}
		resp := map[string]any{"200": map[string]any{"description": "OK", "content": content}}
		for _, code := range []string{"400", "401", "403", "404", "500", "501"} {
			resp[code] = map[string]any{"$ref": "#/components/responses/Error"}
		}
		op["responses"] = resp
		var roles []string
		for _, x := range r.Roles {
			roles = append(roles, string(x))
		}
		if r.Public {
			op["security"] = []any{}
		} else if len(roles) > 0 {
			op["x-roles"] = roles
		}
		item[strings.ToLower(r.Method)] = op
	}
	str := map[string]any{"type": "string"}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "PADIS dashboards API", "version": "1",
			"description": "Every response is limited to the logged-in user's jurisdiction. Errors are JSON {\"error\":message}. Unsafe methods need the X-CSRF-Token header (value of the padis_csrf cookie's token, given in the page's meta csrf-token)."},
		"servers":  []any{map[string]any{"url": "/"}},
		"paths":    paths,
		"security": []any{map[string]any{"session": []any{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie}},
			"responses": map[string]any{"Error": map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "properties": map[string]any{"error": str, "status": map[string]any{"type": "integer"}, "request_id": str}}}}}},
			"schemas": map[string]any{
				"Login":       map[string]any{"type": "object", "required": []string{"user", "password"}, "properties": map[string]any{"user": str, "password": str}},
				"LoadRequest": map[string]any{"type": "object", "required": []string{"dir"}, "properties": map[string]any{"dir": str, "pipeline": map[string]any{"type": "boolean"}}},
				"Ack":         map[string]any{"type": "object", "properties": map[string]any{"note": str}},
				"Reveal": map[string]any{"type": "object", "required": []string{"purpose", "reason"}, "properties": map[string]any{
					"purpose": map[string]any{"type": "string", "enum": models.RevealPurposes},
					"reason":  map[string]any{"type": "string", "description": "at least the configured number of characters (default 10)"}}},
				"WorkItemStatus":    map[string]any{"type": "object", "required": []string{"status"}, "properties": map[string]any{"status": map[string]any{"type": "string", "enum": ItemStatuses}, "note": str}},
				"ProjectionRequest": map[string]any{"type": "object", "properties": map[string]any{"scenarios": map[string]any{"type": "array", "items": str}, "custom": map[string]any{"type": "object", "description": "a projections.Scenario"}, "years": map[string]any{"type": "integer"}, "trajectories": map[string]any{"type": "integer"}}},
			},
		},
	}
}

func (s *Server) openapi(r *req) error {
	return r.c.JSON(http.StatusOK, s.OpenAPI())
}
