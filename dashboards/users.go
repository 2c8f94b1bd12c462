package dashboards

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/padis/padis/models"
)

// Role is what a user may do. A user holds one or more roles.
type Role string

// Roles. Admin implies every other role.
const (
	RoleViewer       Role = "viewer"       // leadership: pages and charts
	RoleStatistician Role = "statistician" // exports, scenario editing, alert acknowledgement
	RoleOperator     Role = "operator"     // information centre: worklists, revealing personal records
	RoleAdmin        Role = "admin"        // snapshots, audit log, everything
)

// Roles lists every role.
var Roles = []Role{RoleViewer, RoleStatistician, RoleOperator, RoleAdmin}

// ParseRoles parses a comma-separated role list.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		ok := false
		for _, r := range Roles {
			if string(r) == f {
				out = append(out, r)
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("role %q: want viewer, statistician, operator or admin", f)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("at least one role is required")
	}
	return out, nil
}

// User is an account: one user, one password, many roles, one
// jurisdiction (a division code; the user sees units at or below it).
type User struct {
	Name         string    `json:"name"`
	Roles        []Role    `json:"roles"`
	Jurisdiction string    `json:"jurisdiction"`
	PasswordHash string    `json:"password_hash"`
	Disabled     bool      `json:"disabled,omitempty"`
	Created      time.Time `json:"created"`
}

// Has reports whether u holds role r (admins hold every role).
func (u *User) Has(r Role) bool {
	for _, x := range u.Roles {
		if x == r || x == RoleAdmin {
			return true
		}
	}
	return false
}

// HasAny reports whether u holds any of rs; an empty list is true.
func (u *User) HasAny(rs []Role) bool {
	if len(rs) == 0 {
		return true
	}
	for _, r := range rs {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// CheckPassword reports whether password is u's password.
func (u *User) CheckPassword(password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
}

// bcryptCost is the bcrypt work factor (2^12 rounds, ≈ 0.2 s on the CI
// machine): slow enough to resist guessing, fast enough to log in.
var bcryptCost = 12

// HashPassword returns the bcrypt hash of password.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password: at least 8 characters are required")
	}
	if len(password) > 72 {
		return "", errors.New("password: at most 72 bytes (bcrypt's limit)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// RandomPassword returns a random 20-character password.
func RandomPassword() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

var userNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.@-]{1,64}$`)

// NewUser validates the fields and returns a user with a hashed password.
// The jurisdiction must be a code in tree.
func NewUser(name, password string, roles []Role, jurisdiction string, tree *models.DivisionTree) (User, error) {
	if !userNameRE.MatchString(name) {
		return User{}, fmt.Errorf("user name %q: use 1–64 letters, digits, '_', '.', '@' or '-'", name)
	}
	if name == tokenUser {
		return User{}, fmt.Errorf("user name %q is reserved for the local admin token", name)
	}
	d, ok := tree.Lookup(jurisdiction)
	if !ok {
		return User{}, fmt.Errorf("user %s: jurisdiction %q is not a division code", name, jurisdiction)
	}
	if len(roles) == 0 {
		return User{}, fmt.Errorf("user %s: at least one role is required", name)
	}
	h, err := HashPassword(password)
	if err != nil {
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	return User{Name: name, Roles: roles, Jurisdiction: d.Code, PasswordHash: h, Created: time.Now().UTC()}, nil
}

// ErrNoUser is returned for an unknown user name.
var ErrNoUser = errors.New("no such user")

// UserStore keeps the accounts.
type UserStore interface {
	// User returns the named user or ErrNoUser.
	User(ctx context.Context, name string) (User, error)
	// Users returns every user, sorted by name.
	Users(ctx context.Context) ([]User, error)
	// Put adds or replaces a user.
	Put(ctx context.Context, u User) error
}

// FileUserStore is a UserStore kept in one JSON file, rewritten through a
// temporary file and an atomic rename on every change.
type FileUserStore struct {
	path    string
	mu      sync.RWMutex
	users   map[string]User
	modTime time.Time // of the file when last read
	checked time.Time // last time the file's mtime was checked
}

// OpenUserStore opens (or starts) the account file at path.
// The file is re-read when it changes on disk (checked at most once a
// second), so that `padis users disable` takes effect in a running server.
func OpenUserStore(path string) (*FileUserStore, error) {
	s := &FileUserStore{path: path, users: map[string]User{}}
	if err := s.read(); err != nil {
		return nil, err
	}
	return s, nil
}

// read loads the file into s.users; the caller holds s.mu or owns s.
func (s *FileUserStore) read() error {
	fi, err := os.Stat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open users %s: %w", s.path, err)
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return fmt.Errorf("open users %s: %w", s.path, err)
	}
	var list []User
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("open users %s: %w", s.path, err)
	}
	users := map[string]User{}
	for i, u := range list {
		if u.Name == "" || u.PasswordHash == "" || u.Jurisdiction == "" {
			return fmt.Errorf("open users %s: entry %d: name, password_hash and jurisdiction are required", s.path, i+1)
		}
		users[u.Name] = u
	}
	s.users, s.modTime = users, fi.ModTime()
	return nil
}

// refresh re-reads the file if it changed since the last read; a file
// that became unreadable keeps the accounts in memory.
func (s *FileUserStore) refresh() {
	now := time.Now()
	s.mu.RLock()
	fresh := now.Sub(s.checked) < time.Second
	s.mu.RUnlock()
	if fresh {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked = now
	if fi, err := os.Stat(s.path); err == nil && !fi.ModTime().Equal(s.modTime) {
		s.read()
	}
}

// User implements UserStore.
func (s *FileUserStore) User(_ context.Context, name string) (User, error) {
	s.refresh()
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[name]
	if !ok {
		return User{}, ErrNoUser
	}
	return u, nil
}

// Users implements UserStore.
func (s *FileUserStore) Users(_ context.Context) ([]User, error) {
	s.refresh()
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Put implements UserStore.
func (s *FileUserStore) Put(_ context.Context, u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, had := s.users[u.Name]
	s.users[u.Name] = u
	if err := s.save(); err != nil {
		if had {
			s.users[u.Name] = old
		} else {
			delete(s.users, u.Name)
		}
		return err
	}
	return nil
}

func (s *FileUserStore) save() error {
	list := make([]User, 0, len(s.users))
	for _, u := range s.users {
		list = append(list, u)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.path, append(b, '\n'), 0o600); err != nil {
		return err
	}
	if fi, err := os.Stat(s.path); err == nil {
		s.modTime = fi.ModTime()
	}
	return nil
}

// writeFileAtomic writes b to a temporary file next to path, syncs it and
// renames it over path.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// EnsureAdmin creates an admin with a random password, jurisdiction the
// nation, when the store holds no user. It returns the password, or ""
// when users already existed.
func EnsureAdmin(ctx context.Context, store UserStore, tree *models.DivisionTree) (string, error) {
	us, err := store.Users(ctx)
	if err != nil {
		return "", err
	}
	if len(us) > 0 {
		return "", nil
	}
	pw := RandomPassword()
	u, err := NewUser("admin", pw, []Role{RoleAdmin}, models.NationCode, tree)
	if err != nil {
		return "", err
	}
	if err := store.Put(ctx, u); err != nil {
		return "", err
	}
	return pw, nil
}
