package dashboards

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/padis/padis/datasets"
	"github.com/padis/padis/models"
)

// dataOrigin says whether the data served are synthetic: the current
// snapshots' manifests carry a generator block (padis generate, and the
// sample `padis serve` sets up on a fresh machine). Scale is how many
// real residents one generated person stands for (datasets.SyntheticScale).
type dataOrigin struct {
	Synthetic bool
	Scale     float64
}

// originCache keeps the data origin for a few seconds: it is asked on
// every page and export.
type originCache struct {
	mu   sync.Mutex
	at   time.Time
	orig dataOrigin
}

// origin reads the data origin from the source's current snapshots. A
// provincial scope's scale is preferred to the monitoring panel's.
func (s *Server) origin(ctx context.Context) dataOrigin {
	s.originC.mu.Lock()
	defer s.originC.mu.Unlock()
	now := s.cfg.Now()
	if !s.originC.at.IsZero() && now.Sub(s.originC.at) < 10*time.Second {
		return s.originC.orig
	}
	var o dataOrigin
	snaps, err := s.src.Snapshots(ctx)
	if err == nil {
		for _, sn := range snaps {
			if !sn.Current || sn.Generator == nil {
				continue
			}
			scope := models.Scope{Name: sn.Scope}
			if _, ok := datasets.Province(sn.Scope); ok {
				scope = models.Scope{Province: sn.Scope}
			}
			sc := datasets.SyntheticScale(scope, sn.Generator)
			if !o.Synthetic || scope.Province != "" {
				o = dataOrigin{Synthetic: true, Scale: sc}
			}
		}
	}
	s.originC.at, s.originC.orig = now, o
	return o
}

// syntheticLabel is the notice every page, export and report built from
// synthetic data carries ("" for real data).
func syntheticLabel(lang models.Lang, o dataOrigin) string {
	if !o.Synthetic {
		return ""
	}
	return fmt.Sprintf(msg(lang, "synthetic.label"), groupThousands(strconv.FormatFloat(o.Scale, 'f', 0, 64)))
}
