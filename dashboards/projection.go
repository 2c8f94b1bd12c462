package dashboards

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/padis/padis/models"
	"github.com/padis/padis/projections"
)

// ScenarioInfo is a built-in scenario with its label in the request's
// language (from the translation catalog, key Scenario.LabelKey).
type ScenarioInfo struct {
	*projections.Scenario
	Label string `json:"label"`
}

// builtinScenarios are the scenarios offered on the projections page:
// projections.BuiltinScenarios, the registry the CLI and the report use
// too, labelled in lang.
func builtinScenarios(lang models.Lang) []ScenarioInfo {
	var out []ScenarioInfo
	for _, sc := range projections.BuiltinScenarios() {
		out = append(out, ScenarioInfo{Scenario: sc, Label: msg(lang, sc.LabelKey)})
	}
	return out
}

// ProjectionRequest is the body of POST /api/v1/projections/run.
type ProjectionRequest struct {
	Scenarios    []string              `json:"scenarios"`
	Custom       *projections.Scenario `json:"custom,omitempty"`
	Years        int                   `json:"years"`
	Trajectories int                   `json:"trajectories"`
}

// ProjectionRun is one scenario's series.
type ProjectionRun struct {
	Scenario string               `json:"scenario"`
	Years    []int                `json:"years"`
	Series   map[string][]float64 `json:"series"`
	// BirthsByMotherAge[t][g] are the births of the interval starting in
	// Years[t] to mothers of ProjectionData.MotherAges[g].
	BirthsByMotherAge [][]float64 `json:"births_by_mother_age"`
}

// ProjectionData is the projections page's result.
type ProjectionData struct {
	Unit     UnitInfo        `json:"unit"`
	BaseYear int             `json:"base_year"`
	Runs     []ProjectionRun `json:"runs"`
	// Pyramids of the first scenario: Male[t][g], Female[t][g].
	Ages []int `json:"ages"`
	// MotherAges are the mothers' ages (single years 15…49) of the runs'
	// births by the mother's age.
	MotherAges []int                 `json:"mother_ages"`
	Years      []int                 `json:"years"`
	Male       [][]float64           `json:"male"`
	Female     [][]float64           `json:"female"`
	Bands      []projections.Band    `json:"bands,omitempty"`
	Warn       []projections.Warning `json:"warnings,omitempty"`
}

// projectionSeries are the series the page draws.
var projectionSeries = []string{"total", "age_0_14", "age_15_64", "age_65_plus", "age_80_plus", "dependency_total", "dependency_child", "dependency_old_age",
	"school_3_5", "school_6_11", "school_12_14", "school_15_17", "births", "deaths"}

// maxTrajectories bounds a probabilistic run from the web.
const maxTrajectories = 500

func (s *Server) apiRunProjection(r *req) error {
	d, err := r.unit(r.c.QueryParam("unit"))
	if err != nil {
		return err
	}
	var in ProjectionRequest
	dec := json.NewDecoder(r.c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return clientErr(http.StatusBadRequest, "err.proj_body", err.Error())
	}
	if in.Years == 0 {
		in.Years = projections.DefaultHorizon
	}
	if in.Years < 1 || in.Years > 100 {
		return clientErr(http.StatusBadRequest, "err.proj_years", in.Years)
	}
	if in.Trajectories < 0 || in.Trajectories > maxTrajectories || in.Trajectories == 1 {
		return clientErr(http.StatusBadRequest, "err.proj_traj", in.Trajectories, maxTrajectories)
	}
	var scs []*projections.Scenario
	for _, n := range in.Scenarios {
		sc, ok := projections.BuiltinScenario(n)
		if !ok {
			return clientErr(http.StatusBadRequest, "err.proj_scenario", n)
		}
		scs = append(scs, sc)
	}
	base, err := s.src.ProjectionInput(r.ctx(), d.Code)
	if err != nil {
		return err
	}
	if in.Custom != nil {
		if in.Custom.Name == "" {
			in.Custom.Name = "custom"
		}
		if err := in.Custom.Validate(base.BaseYear); err != nil {
			return clientErr(http.StatusBadRequest, "err.proj_custom", err.Error())
		}
		scs = append(scs, in.Custom)
	}
	if len(scs) == 0 {
		sc, _ := projections.BuiltinScenario(projections.ScenarioConstant)
		scs = append(scs, sc)
	}
	cmp, err := projections.CompareScenarios(base, scs, in.Years)
	if err != nil {
		return clientErr(http.StatusUnprocessableEntity, "err.proj_failed", err.Error())
	}
	if r.c.QueryParam("format") == "csv" {
		h := r.c.Response().Header()
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="padis-projection-%s.csv"`, d.Code))
		r.c.Response().WriteHeader(http.StatusOK)
		return projections.WriteComparisonCSV(r.c.Response(), cmp, projectionSeries)
	}
	ui, err := r.unitInfo(d)
	if err != nil {
		return err
	}
	first := cmp.Results[0]
	out := &ProjectionData{Unit: ui, BaseYear: first.BaseYear, Ages: first.Ages, MotherAges: first.MotherAges, Years: first.Years, Male: first.Pop[0], Female: first.Pop[1], Warn: first.Warnings}
	for i, res := range cmp.Results {
		run := ProjectionRun{Scenario: cmp.Scenarios[i], Years: res.Years, Series: map[string][]float64{}}
		for _, name := range projectionSeries {
			_, v := res.Series(name)
			run.Series[name] = v
		}
		for _, f := range res.Flows {
			run.BirthsByMotherAge = append(run.BirthsByMotherAge, f.BirthsByMotherAge)
		}
		out.Runs = append(out.Runs, run)
	}
	if in.Trajectories > 0 {
		st, err := projections.ProjectStochastic(base, scs[0], in.Years, projections.StochasticOptions{Trajectories: in.Trajectories, Seed: 1, Workers: 1})
		if err != nil {
			return clientErr(http.StatusUnprocessableEntity, "err.proj_stoch", err.Error())
		}
		for _, name := range []string{"total", "age_65_plus", "dependency_total", "school_6_11"} {
			if b := st.Band(name); b != nil {
				out.Bands = append(out.Bands, *b)
			}
		}
	}
	return r.c.JSON(http.StatusOK, out)
}

func (s *Server) apiScenarios(r *req) error {
	return r.c.JSON(http.StatusOK, builtinScenarios(r.lang))
}
