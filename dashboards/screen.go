package dashboards

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/padis/padis/models"
)

// screenRefresh is how often the meeting-room screen fetches its data
// again (seconds).
const screenRefresh = 300

// screenAlerts is how many of the newest orange and red alerts the
// screen's ticker shows.
const screenAlerts = 20

// Screen is the meeting-room screen's data (数据大屏, /screen): the
// overview's key figures, map, trends and pyramid of a unit and its
// newest orange and red alerts. The page fetches it again from Source
// every Refresh seconds.
type Screen struct {
	Unit      UnitInfo          `json:"unit"`
	Period    Period            `json:"period"`
	Figures   []ScreenFigure    `json:"figures"`
	Map       string            `json:"map,omitempty"`
	Chart     map[string]any    `json:"chart"` // as the overview page's charts (overviewChart)
	Alerts    []ScreenAlert     `json:"alerts"`
	Labels    map[string]string `json:"labels"`
	Refresh   int               `json:"refresh_seconds"`
	Source    string            `json:"source"`
	Synthetic string            `json:"synthetic,omitempty"`
}

// ScreenFigure is one key figure as the screen shows it.
type ScreenFigure struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Value       string `json:"value"`
	Unit        string `json:"unit"`
	Interval    string `json:"interval,omitempty"`
	Provisional bool   `json:"provisional,omitempty"`
	Unreliable  bool   `json:"unreliable,omitempty"`
	Outside     bool   `json:"outside_range,omitempty"`
}

// ScreenAlert is one alert of the ticker.
type ScreenAlert struct {
	ID     string `json:"id"`
	Level  string `json:"level"`
	Label  string `json:"level_label"`
	Unit   string `json:"unit"`
	Name   string `json:"unit_name"`
	Title  string `json:"title"`
	Period Period `json:"period"`
}

// screen builds the screen's data for the ?unit= (default the user's
// jurisdiction).
func (r *req) screen() (*Screen, error) {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return nil, err
	}
	p, err := r.period()
	if err != nil {
		return nil, err
	}
	refresh := screenRefresh
	if q := r.c.QueryParam("refresh"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 5 || n > 3600 {
			return nil, clientErr(http.StatusBadRequest, "screen.badRefresh", q)
		}
		refresh = n
	}
	o, err := r.overview(d, p)
	if err != nil {
		return nil, err
	}
	q := url.Values{"unit": {d.Code}, "lang": {langParam(r.lang)}, "refresh": {strconv.Itoa(refresh)}}
	if per := r.c.QueryParam("period"); per != "" {
		q.Set("period", per)
	}
	sc := &Screen{Unit: o.Unit, Period: o.Period, Map: o.Map, Chart: overviewChart(o, r.lang), Refresh: refresh,
		Source:    "/api/v1/screen?" + q.Encode(),
		Synthetic: syntheticLabel(r.lang, r.s.origin(r.ctx())),
		Labels: map[string]string{
			"title": msg(r.lang, "screen.title"), "provisional": msg(r.lang, "screen.provisional"), "unreliable": msg(r.lang, "screen.unreliable"),
			"interval": msg(r.lang, "key.interval"), "alerts": msg(r.lang, "screen.alerts"), "none": msg(r.lang, "screen.noAlerts"),
			"updated": msg(r.lang, "screen.updated"),
		}}
	for _, kf := range o.KeyFigures {
		f := ScreenFigure{ID: kf.Indicator.ID, Label: kf.Indicator.Label, Value: fmtPtrNum(kf.Now.Value), Unit: kf.Indicator.Unit,
			Provisional: kf.Now.Provisional, Unreliable: kf.Now.Unreliable, Outside: kf.Outside}
		if kf.Now.Lo != nil && kf.Now.Hi != nil {
			f.Interval = fmtPtrNum(kf.Now.Lo) + "–" + fmtPtrNum(kf.Now.Hi)
		}
		sc.Figures = append(sc.Figures, f)
	}
	as, err := r.s.src.Alerts(r.ctx(), AlertFilter{Units: []string{d.Code}, Status: AlertActive})
	if err != nil && !errors.Is(err, ErrNotAvailable) {
		return nil, err
	}
	var hot []Alert
	for _, a := range as {
		if (a.Level == AlertRed || a.Level == AlertOrange) && a.Active() && InScope(r.user.Jurisdiction, a.Unit) && InScope(d.Code, a.Unit) {
			hot = append(hot, a)
		}
	}
	// Newest first; red before orange when seen at the same time.
	slices.SortStableFunc(hot, func(a, b Alert) int {
		return cmp.Or(b.LastSeen.Compare(a.LastSeen), bySeverity(a, b), cmp.Compare(a.ID, b.ID))
	})
	for _, a := range hot[:min(len(hot), screenAlerts)] {
		a = r.localize(a)
		name := a.Unit
		if u, ok := r.s.tree.Lookup(a.Unit); ok {
			name = u.Name
		}
		sc.Alerts = append(sc.Alerts, ScreenAlert{ID: a.ID, Level: a.Level, Label: msg(r.lang, "alert."+a.Level), Unit: a.Unit, Name: name, Title: a.RuleLabel, Period: a.Period})
	}
	return sc, nil
}

func (s *Server) screenPage(r *req) error {
	sc, err := r.screen()
	if err != nil {
		return err
	}
	return r.renderChart(http.StatusOK, "screen", "screen.title", nil, sc, sc)
}

func (s *Server) apiScreen(r *req) error {
	sc, err := r.screen()
	if err != nil {
		return err
	}
	return r.json(sc)
}

// langParam is the ?lang= value of lang.
func langParam(lang models.Lang) string {
	if lang == models.EN {
		return "en"
	}
	return "zh"
}
