package alerts

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/padis/padis/engine/notify"
)

// Delivery is the JSON document posted to the webhook.
type Delivery struct {
	Version int64   `json:"version"`
	Scope   string  `json:"scope"`
	Alerts  []Alert `json:"alerts"`
}

// deliver sends the raised alerts of the configured colours (default
// orange and red) to the webhook and by mail, one message per channel
// for the whole evaluation. It returns the number of alerts delivered.
func deliver(ctx context.Context, cfg *notify.Config, raised []Alert, ev *evaluation) (int, error) {
	var sel []Alert
	for _, a := range raised {
		if slices.Contains(cfg.Colours, a.Colour) {
			sel = append(sel, a)
		}
	}
	if len(sel) == 0 {
		return 0, nil
	}
	var errs []string
	if cfg.Webhook.Enabled {
		if err := cfg.Webhook.Post(ctx, Delivery{Version: ev.version, Scope: ev.scope, Alerts: sel}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if cfg.Mail.Enabled {
		subject := fmt.Sprintf("PADIS 人口预警 / population early warnings: %d", len(sel))
		var b strings.Builder
		for _, a := range sel {
			fmt.Fprintf(&b, "[%s] %s\n%s\n%s\n\n", colourZH[a.Colour]+"/"+a.Colour, a.ID, a.ExplanationZH, a.ExplanationEN)
		}
		if err := cfg.Mail.SMTP.Send(cfg.Mail.To, subject, b.String(), nil, ev.now); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return 0, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return len(sel), nil
}
