// Package dashboards is the commission leadership's web application: an
// Echo v4 server with server-rendered pages (html/template, embedded) and a
// JSON API under /api/v1 described by an OpenAPI document generated from
// the same route table as the router.
//
// Every number comes from a Source (source.go), the narrow read interface
// the handlers need; cmd/padis wires engine/query behind it. Users,
// sessions and the audit log live in small file-backed stores of their own
// (users.go, audit.go) so that the DuckDB handle never reaches this package.
// Every handler resolves the unit it shows through Server.unit, which
// enforces the user's jurisdiction (scope.go).
package dashboards
