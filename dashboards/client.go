package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Login logs in to the server at base (e.g. http://127.0.0.1:8080)
// through the JSON API, as a browser would: it fetches the login page for
// the CSRF cookie, posts the credentials with the token, and returns the
// Cookie header (CSRF and session cookies) that authenticates the next
// requests. It is for programs and tests talking to a running padis serve.
func Login(hc *http.Client, base, user, password string) (string, error) {
	resp, err := hc.Get(base + "/login")
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	resp.Body.Close()
	var csrf string
	for _, c := range resp.Cookies() {
		if c.Name == "padis_csrf" {
			csrf = c.Value
		}
	}
	b, _ := json.Marshal(map[string]string{"user": user, "password": password})
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/login", bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	req.AddCookie(&http.Cookie{Name: "padis_csrf", Value: csrf})
	resp, err = hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return "", fmt.Errorf("login %s: %s %s", user, resp.Status, body)
	}
	parts := []string{"padis_csrf=" + csrf}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	if len(parts) == 1 {
		return "", fmt.Errorf("login %s: no session cookie", user)
	}
	return strings.Join(parts, "; "), nil
}
