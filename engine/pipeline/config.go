package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/notify"
)

// Site configuration files, read from the data directory by ConfigFromDir.
// Both are optional.
const (
	// RulesFile holds alert rules that replace the shipped set
	// (engine/alerts rules.json format; docs/alerts.md).
	RulesFile = "alert-rules.json"
	// NotifyFile configures the delivery of new orange and red alerts by
	// webhook and e-mail (engine/notify format; off when absent).
	NotifyFile = "notify.json"
)

// Config is the site configuration of the engine steps.
type Config struct {
	// Alerts are the options of the alerts step: rules and delivery.
	Alerts alerts.Options
}

// ConfigFromDir reads the optional RulesFile and NotifyFile of the data
// directory dir. A file that exists but cannot be read or parsed is an
// error naming the file, so that a broken configuration never silently
// falls back to the defaults.
func ConfigFromDir(dir string) (Config, error) {
	var c Config
	rules := filepath.Join(dir, RulesFile)
	if exists, err := present(rules); err != nil {
		return c, err
	} else if exists {
		if c.Alerts.Rules, err = alerts.LoadRules(rules); err != nil {
			return c, fmt.Errorf("pipeline configuration: %w", err)
		}
	}
	nf := filepath.Join(dir, NotifyFile)
	if exists, err := present(nf); err != nil {
		return c, err
	} else if exists {
		if c.Alerts.Notify, err = notify.LoadConfig(nf); err != nil {
			return c, fmt.Errorf("pipeline configuration: %w", err)
		}
	}
	return c, nil
}

func present(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("pipeline configuration: %w", err)
}
