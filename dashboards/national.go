package dashboards

import (
	"context"

	"github.com/padis/padis/models"
)

// ProvinceReport is one province's reporting state at a national node
// (engine/exchange): current (sent the expected month), late (an earlier
// one) or missing (nothing).
type ProvinceReport struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Status      string `json:"status"` // current, late, missing
	AsOf        string `json:"as_of,omitempty"`
	LastPackage string `json:"last_package,omitempty"`
}

// NationalStatusFunc returns the provinces' reporting states of a national
// node (Config.NationalStatus).
type NationalStatusFunc func(ctx context.Context) ([]ProvinceReport, error)

// nationalMessages are the strings of the national node's province card.
var nationalMessages = map[string][2]string{
	"national.title":   {"各省数据包报送", "Provincial exchange packages"},
	"national.current": {"按时", "current"},
	"national.late":    {"迟报", "late"},
	"national.missing": {"未报", "missing"},
	"national.note":    {"全国数字为已报送省份数据包的合计；未报送省份尚未用监测县估计补足。", "National figures are the sums of the provinces' packages; provinces that sent nothing are not yet estimated from the monitoring panel."},
}

func init() {
	for k, v := range nationalMessages {
		messages[k] = v
	}
}

// nationalStatus returns the provinces' states for the nation's overview,
// nil elsewhere or on a node that is not national.
func (r *req) nationalStatus(code string) ([]ProvinceReport, error) {
	if code != models.NationCode || r.s.cfg.NationalStatus == nil {
		return nil, nil
	}
	return r.s.cfg.NationalStatus(r.ctx())
}
