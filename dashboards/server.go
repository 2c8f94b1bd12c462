package dashboards

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/padis/padis/models"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config configures a Server.
type Config struct {
	Source  Source    // required: every number shown
	Users   UserStore // required: accounts
	Audit   AuditLog  // required: audited actions
	Reports ReportArchive
	// Loader, when set, runs loads submitted to /api/v1/admin/loads.
	Loader Loader
	// AdminToken, when set, authenticates requests to /api/v1/admin/
	// carrying "Authorization: Bearer AdminToken" as an admin of the
	// nation ('padis load' reads it from a 0600 file in the data directory).
	AdminToken string
	Logger     *slog.Logger // access and error log; default slog.Default()
	// MinCell is the smallest count public-facing exports show (default
	// DefaultMinCell).
	MinCell int
	// RequestTimeout bounds each handler (default 30 s).
	RequestTimeout time.Duration
	// LoginAttempts failed logins per account, and
	// LoginAttemptsPerAddress per client address, are allowed per
	// LoginWindow (defaults 5, 20 and 5 minutes).
	LoginAttempts           int
	LoginAttemptsPerAddress int
	LoginWindow             time.Duration
	// TrustedProxies are the addresses (IPs or CIDR ranges) of reverse
	// proxies in front of the server. Only a request whose socket address
	// is one of them has its client address taken from X-Forwarded-For;
	// with none, the socket address is the client's and forwarding
	// headers are ignored.
	TrustedProxies []string
	// SnapshotRoot is the directory under which dashboard users may start
	// loads (the local admin token may load from anywhere: it is the
	// machine's own operator). Empty refuses loads by dashboard users.
	SnapshotRoot string
	// AccessLog receives one line per request; default Logger.
	AccessLog *slog.Logger
	// CacheTTL is how long source reads are reused (default 10 s; a
	// negative value disables the cache). New cube builds show after at
	// most this long.
	CacheTTL time.Duration
	// Reveal is what a reveal of a worklist identity needs (purpose,
	// reason length, rate); the zero value takes models' defaults.
	Reveal models.RevealPolicy
	// Mounts are handlers served ahead of the dashboards for the paths
	// under their prefixes, with their own authentication (the national
	// node's package API, engine/exchange).
	Mounts map[string]http.Handler
	// NationalStatus, on a national node, gives the provinces' reporting
	// states, shown on the nation's overview.
	NationalStatus NationalStatusFunc
	// AuditWarning, when set, says the audit trail's chain was found
	// broken at start (padis serve --allow-broken-audit): the audit page
	// shows it.
	AuditWarning string
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Server is the dashboards' HTTP server.
type Server struct {
	cfg  Config
	src  Source
	tree *models.DivisionTree
	cat  *models.Catalog
	e    *echo.Echo
	log  *slog.Logger
	sess *sessions
	// addrLimiter and userLimiter count failed logins per client
	// address and per account name.
	addrLimiter, userLimiter *loginLimiter
	dummyHash                []byte
	proxies                  []*net.IPNet
	pages                    map[string]*template.Template
	geo                      *geoStore
	originC                  originCache // synthetic.go
	routes                   []route
	resp                     *respCache    // nil when caching is off
	cache                    *cachedSource // nil when caching is off
}

// New builds a server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Source == nil || cfg.Users == nil || cfg.Audit == nil {
		return nil, errors.New("dashboards: Source, Users and Audit are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MinCell <= 0 {
		cfg.MinCell = DefaultMinCell
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.LoginAttempts <= 0 {
		cfg.LoginAttempts = 5
	}
	if cfg.LoginAttemptsPerAddress <= 0 {
		cfg.LoginAttemptsPerAddress = 4 * cfg.LoginAttempts
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccessLog == nil {
		cfg.AccessLog = cfg.Logger
	}
	proxies, err := ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	// The hash an unknown user's password is compared with, at the cost
	// of real hashes (see login).
	dummy, err := bcrypt.GenerateFromPassword([]byte(RandomPassword()), bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("dashboards: %w", err)
	}
	src := cfg.Source
	var resp *respCache
	var cache *cachedSource
	if cfg.CacheTTL >= 0 {
		if cfg.CacheTTL == 0 {
			cfg.CacheTTL = 10 * time.Second
		}
		cache = newCachedSource(src, cfg.CacheTTL, 20000, cfg.Now)
		src = cache
		resp = newRespCache(cfg.CacheTTL, 10000, 256<<20, cfg.Now)
	}
	s := &Server{
		cfg: cfg, src: src, tree: cfg.Source.Divisions(), cat: cfg.Source.Catalog(), log: cfg.Logger,
		sess:        newSessions(2*time.Hour, 12*time.Hour),
		addrLimiter: newLoginLimiter(cfg.LoginAttemptsPerAddress, cfg.LoginWindow),
		userLimiter: newLoginLimiter(cfg.LoginAttempts, cfg.LoginWindow),
		dummyHash:   dummy,
		proxies:     proxies,
		resp:        resp,
		cache:       cache,
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(staticFS, "static")
	s.geo = newGeoStore(static, s.tree)
	s.routes = s.routeTable()
	if err := checkRoutes(s.routes); err != nil {
		return nil, err
	}
	s.e = s.newEcho(static)
	return s, nil
}

// ParseTrustedProxies parses a list of IP addresses and CIDR ranges
// ("10.0.0.5", "10.1.0.0/16", "::1").
func ParseTrustedProxies(list []string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, p := range list {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, fmt.Errorf("trusted proxy %q: not an IP address or CIDR range", p)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an IP address or CIDR range", p)
		}
		out = append(out, n)
	}
	return out, nil
}

// Handler returns the server's HTTP handler: the mounts of the
// configuration ahead of the dashboards.
func (s *Server) Handler() http.Handler {
	if len(s.cfg.Mounts) == 0 {
		return s.e
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for prefix, h := range s.cfg.Mounts {
			if strings.HasPrefix(r.URL.Path, prefix) {
				h.ServeHTTP(w, r)
				return
			}
		}
		s.e.ServeHTTP(w, r)
	})
}

// Serve serves on ln until ctx is cancelled, then shuts down gracefully,
// giving requests in flight up to 10 seconds to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
