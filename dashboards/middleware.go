package dashboards

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/padis/padis/models"
)

// contentSecurityPolicy allows only the server's own scripts, styles,
// images and connections; no inline script, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// newEcho builds the router with every middleware, from the route table.
func (s *Server) newEcho(static fs.FS) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	if len(s.proxies) > 0 {
		// Only the configured proxies are trusted (not Echo's default
		// loopback and private ranges): a client cannot pick its own
		// address by sending X-Forwarded-For. X-Real-IP is never read.
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range s.proxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	e.Pre(middleware.RequestIDWithConfig(middleware.RequestIDConfig{}))
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true,
		LogRemoteIP: true, LogError: true, LogResponseSize: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("uri", v.URI),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency), slog.Int64("bytes", v.ResponseSize),
				slog.String("ip", v.RemoteIP),
			}
			if u, ok := c.Get(ctxUser).(*User); ok {
				attrs = append(attrs, slog.String("user", u.Name))
			}
			lvl := slog.LevelInfo
			if v.Error != nil {
				attrs = append(attrs, slog.String("error", v.Error.Error()))
				if v.Status >= 500 {
					lvl = slog.LevelError
				}
			}
			s.cfg.AccessLog.LogAttrs(context.Background(), lvl, "request", attrs...)
			return nil
		},
	}))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.log.Error("panic", "id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err, "stack", string(stack))
		return err
	}}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ContentSecurityPolicy: contentSecurityPolicy, ReferrerPolicy: "same-origin",
		HSTSMaxAge: 31536000,
	}))
	selfGzip := map[string]bool{}
	for _, r := range s.routes {
		if r.Cache || r.SelfGzip {
			selfGzip[r.Path] = true // respcache.go and renderCachedPage compress these
		}
	}
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, MinLength: gzipMin,
		Skipper: func(c echo.Context) bool {
			f := c.QueryParam("format")
			return selfGzip[c.Path()] && (f == "" || f == "json")
		}}))
	e.Use(middleware.BodyLimit("1M"))
	e.Use(middleware.ContextTimeout(s.cfg.RequestTimeout))
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup: "header:X-CSRF-Token,form:_csrf", CookieName: "padis_csrf", CookiePath: "/",
		CookieSecure: true, CookieHTTPOnly: true, CookieSameSite: http.SameSiteStrictMode,
		ContextKey: ctxCSRF,
		Skipper:    s.tokenAuth, // not a browser: no cookie to forge with
	}))
	e.Use(s.langMiddleware)
	e.Use(s.sessionMiddleware)

	assets := e.Group("/static", func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("Cache-Control", "public, max-age=3600")
			return next(c)
		}
	})
	assets.StaticFS("/", static)
	for i := range s.routes {
		r := &s.routes[i]
		e.Add(r.Method, r.Path, s.wrap(r)).Name = r.Name
	}
	return e
}

// Context keys.
const (
	ctxUser = "padis.user"
	ctxLang = "padis.lang"
	ctxCSRF = "padis.csrf"
	// ctxToken is set on requests carrying the local admin token.
	ctxToken = "padis.token"
)

// handleError answers errors as JSON under /api/ and as an HTML page
// elsewhere. Only messages written for the client (scope errors,
// echo.HTTPError raised by handlers) are shown as they are; any other
// error, which may carry a source's internal text (DuckDB messages, SQL),
// is logged here with the request id, and the client gets a generic,
// translated message and that request id.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	lang, _ := c.Get(ctxLang).(models.Lang)
	id := c.Response().Header().Get(echo.HeaderXRequestID)
	code, key := http.StatusInternalServerError, "error.internal"
	text := ""
	var he *echo.HTTPError
	var ce *clientError
	switch {
	case errors.As(err, &ce):
		code, text = ce.status, ce.text(lang)
	case errors.As(err, &he):
		// Raised by Echo or a middleware (no route, CSRF, body limit):
		// its English text is replaced by a translated one of its status.
		code = he.Code
		text = msg(lang, httpStatusKey(code))
	case errors.Is(err, ErrNotFound):
		code, key = http.StatusNotFound, "error.notfound"
	case errors.Is(err, ErrNotAvailable):
		code, key = http.StatusNotImplemented, "na.source"
	case errors.Is(err, context.DeadlineExceeded):
		code, key = http.StatusServiceUnavailable, "error.timeout"
	}
	if text == "" {
		text = msg(lang, key) + " (" + msg(lang, "error.request") + " " + id + ")"
		lvl := slog.LevelInfo
		if code >= 500 && code != http.StatusNotImplemented {
			lvl = slog.LevelError
		}
		// The URI and the error name no person: codes, ids and
		// pseudonymised keys only (the source never sees a name or an ID
		// number in clear).
		s.log.Log(c.Request().Context(), lvl, "handler error", "id", id, "uri", c.Request().URL.Path, "status", code, "error", err)
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") || c.Request().Method == http.MethodHead {
		if c.Request().Method == http.MethodHead {
			c.NoContent(code)
			return
		}
		c.JSON(code, map[string]any{"error": text, "status": code, "request_id": id})
		return
	}
	if code == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(c.Request().URL.RequestURI()))
		return
	}
	s.renderError(c, code, text)
}

// httpStatusKey is the translation key of the generic message of an HTTP
// status that Echo or a middleware answered with.
func httpStatusKey(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "err.bad_request"
	case http.StatusUnauthorized:
		return "err.login_required"
	case http.StatusForbidden:
		return "err.forbidden"
	case http.StatusNotFound:
		return "error.notfound"
	case http.StatusMethodNotAllowed:
		return "err.method"
	case http.StatusRequestEntityTooLarge:
		return "err.too_large"
	case http.StatusTooManyRequests:
		return "err.too_many"
	case http.StatusServiceUnavailable:
		return "error.timeout"
	}
	return "err.request_failed"
}
