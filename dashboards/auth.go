package dashboards

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
)

const sessionCookie = "padis_session"

// langMiddleware picks the language: ?lang=en|zh (remembered in a cookie),
// else the cookie, else Chinese.
func (s *Server) langMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := models.ZH
		q := c.QueryParam("lang")
		if q == "en" || q == "zh" {
			c.SetCookie(&http.Cookie{Name: "padis_lang", Value: q, Path: "/", MaxAge: 365 * 86400, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
			if q == "en" {
				lang = models.EN
			}
		} else if ck, err := c.Cookie("padis_lang"); err == nil && ck.Value == "en" {
			lang = models.EN
		}
		c.Set(ctxLang, lang)
		return next(c)
	}
}

// sessionMiddleware attaches the logged-in, enabled user, if any.
func (s *Server) sessionMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.tokenAuth(c) {
			c.Set(ctxToken, true)
			c.Set(ctxUser, &User{Name: tokenUser, Roles: []Role{RoleAdmin}, Jurisdiction: models.NationCode})
			return next(c)
		}
		ck, err := c.Cookie(sessionCookie)
		if err == nil {
			if name, ok := s.sess.lookup(ck.Value, s.cfg.Now()); ok {
				u, err := s.cfg.Users.User(c.Request().Context(), name)
				if err == nil && !u.Disabled {
					c.Set(ctxUser, &u)
				} else {
					s.sess.end(ck.Value)
				}
			}
		}
		return next(c)
	}
}

// wrap applies the route's access rule and builds the request context.
func (s *Server) wrap(r *route) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r.Personal {
			// Neither the browser nor a proxy may keep it.
			h := c.Response().Header()
			h.Set("Cache-Control", "no-store")
			h.Set("Pragma", "no-cache")
		}
		rq := &req{c: c, s: s, lang: c.Get(ctxLang).(models.Lang)}
		if u, ok := c.Get(ctxUser).(*User); ok {
			rq.user = u
		}
		if !r.Public {
			if rq.user == nil {
				return clientErr(http.StatusUnauthorized, "err.login_required")
			}
			if !rq.user.HasAny(r.Roles) {
				return clientErr(http.StatusForbidden, "err.forbidden")
			}
		}
		if r.Cache {
			rq.cacheKey = rq.responseKey()
			if e, ok := s.resp.get(rq.cacheKey); ok {
				return rq.writeJSON(e)
			}
		}
		return r.h(rq)
	}
}

// req is one request as handlers see it.
type req struct {
	c        echo.Context
	s        *Server
	user     *User
	lang     models.Lang
	cacheKey string // set for cacheable routes (respcache.go)
}

func (r *req) ctx() context.Context { return r.c.Request().Context() }

// unit resolves a division code against the user's jurisdiction: every
// handler that shows a unit goes through it.
func (r *req) unit(code string) (models.Division, error) {
	if code == "" {
		code = r.user.Jurisdiction
	}
	return resolveUnit(r.s.tree, r.user, code)
}

// audit appends an audit record for the current user and request.
func (r *req) audit(action, target, unit, reason string) error {
	name := ""
	if r.user != nil {
		name = r.user.Name
	}
	return r.s.cfg.Audit.Append(r.ctx(), AuditRecord{
		Time: r.s.cfg.Now().UTC(), User: name, Action: action, Target: target, Unit: unit, Reason: reason,
		RequestID: r.c.Response().Header().Get(echo.HeaderXRequestID), IP: r.c.RealIP(),
	})
}

// login handles the login form (and JSON {"user","password"}).
func (s *Server) login(r *req) error {
	c := r.c
	var name, pw string
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		var in struct{ User, Password string }
		if err := c.Bind(&in); err != nil {
			return clientErr(http.StatusBadRequest, "err.login_body")
		}
		name, pw = in.User, in.Password
	} else {
		name, pw = c.FormValue("user"), c.FormValue("password")
	}
	api := strings.HasPrefix(c.Request().URL.Path, "/api/")
	// Failures are counted per client address (RealIP: the socket
	// address unless the request came through a trusted proxy) and per
	// account, so that neither many names from one address nor one name
	// from many addresses gets more than its share of guesses.
	addrKey, userKey := c.RealIP(), name
	now := s.cfg.Now()
	if !s.addrLimiter.allow(addrKey, now) || !s.userLimiter.allow(userKey, now) {
		r.audit("login_limited", name, "", "")
		return clientErr(http.StatusTooManyRequests, "login.limited")
	}
	u, err := s.cfg.Users.User(r.ctx(), name)
	if err != nil && !errors.Is(err, ErrNoUser) {
		return err
	}
	// One bcrypt comparison whatever the outcome: an unknown or disabled
	// account costs as long as a wrong password, so the response time
	// does not tell which names exist.
	check := User{PasswordHash: string(s.dummyHash)}
	if err == nil {
		check = u
	}
	pwOK := check.CheckPassword(pw)
	if err != nil || u.Disabled || !pwOK {
		s.addrLimiter.fail(addrKey, now)
		s.userLimiter.fail(userKey, now)
		r.audit("login_failed", name, "", "")
		if api {
			return clientErr(http.StatusUnauthorized, "login.failed")
		}
		return s.renderLogin(r, http.StatusUnauthorized, msg(r.lang, "login.failed"), c.FormValue("next"))
	}
	// A success clears the account's failures, not the address's: owning
	// one account must not reset the count of guesses at others.
	s.userLimiter.succeed(userKey)
	tok := s.sess.create(u.Name, now)
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	r.user = &u
	r.audit("login", u.Name, u.Jurisdiction, "")
	if api {
		return c.JSON(http.StatusOK, meOf(&u))
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}

// safeNext returns next when it is a path on this site ("/units/51",
// "/explorer?unit=5101"), else "/". It refuses, in next and in its
// percent-decoded forms (decoded up to three times): anything not
// starting with exactly one '/', '//' anywhere, any backslash, control
// or white-space character (browsers drop tabs and newlines, turning
// "/\t/evil" into "//evil", and read '\\' as '/'), and anything that
// parses with a scheme or host.
func safeNext(next string) string {
	if next == "" {
		return "/"
	}
	forms := []string{next}
	for d := next; len(forms) < 4; {
		u, err := url.PathUnescape(d)
		if err != nil {
			return "/"
		}
		if u == d {
			break
		}
		forms = append(forms, u)
		d = u
	}
	for _, f := range forms {
		if !strings.HasPrefix(f, "/") || strings.Contains(f, "//") || strings.ContainsRune(f, '\\') {
			return "/"
		}
		for _, r := range f {
			if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
				return "/"
			}
		}
		if u, err := url.Parse(f); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			return "/"
		}
	}
	return next
}

// logout ends the session.
func (s *Server) logout(r *req) error {
	if ck, err := r.c.Cookie(sessionCookie); err == nil {
		s.sess.end(ck.Value)
	}
	r.c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if strings.HasPrefix(r.c.Request().URL.Path, "/api/") {
		return r.c.NoContent(http.StatusNoContent)
	}
	return r.c.Redirect(http.StatusSeeOther, "/login")
}

// Me is the logged-in user as the API shows it.
type Me struct {
	Name         string `json:"name"`
	Roles        []Role `json:"roles"`
	Jurisdiction string `json:"jurisdiction"`
}

func meOf(u *User) Me { return Me{Name: u.Name, Roles: u.Roles, Jurisdiction: u.Jurisdiction} }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
