package detect

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Farrington defaults (Noufaily et al. 2013; surveillance's
// farringtonFlexible).
const (
	farrYears     = 5
	farrWindow    = 3
	farrLevels    = 10
	farrAlpha     = 0.05
	farrReweightZ = 2.58
	farrTrendP    = 0.05
	farrMinCases  = 5
	farrMinWindow = 4
	farrTrendMinB = 3 // a trend needs at least three years of history
)

// farrParams are the validated Farrington options.
type farrParams struct {
	period, years, window, levels, exclude, minCases, minWindow int
	alpha, reweightZ, trendP                                    float64
	trend                                                       bool
	side                                                        side
	threshold, power                                            string
}

func farringtonParams(opts Options) (farrParams, error) {
	p := farrParams{
		period: opts.Period, years: opts.Years, window: opts.Window, levels: opts.Levels,
		exclude: opts.Exclude, minCases: opts.MinCases, minWindow: opts.MinWindow,
		alpha: opts.Alpha, reweightZ: opts.ReweightZ, trendP: opts.TrendP, trend: !opts.NoTrend,
	}
	var err error
	if p.side, err = parseSide(opts.Side); err != nil {
		return p, fmt.Errorf("detect: Farrington: %w", err)
	}
	if p.period < 2 {
		return p, fmt.Errorf("detect: Farrington: period %d, want the seasonal period (12 for months, 52 for weeks)", p.period)
	}
	if p.years == 0 {
		p.years = farrYears
	}
	if p.window == 0 {
		p.window = farrWindow
	}
	if p.years < 1 || p.window < 0 || 2*p.window+1 > p.period {
		return p, fmt.Errorf("detect: Farrington: years %d, window %d with period %d: want years ≥ 1 and 2·window+1 ≤ period", p.years, p.window, p.period)
	}
	gap := p.period - 2*p.window - 1 // periods between two yearly windows
	if p.levels == 0 {
		p.levels = min(farrLevels, gap+1)
	}
	if p.levels < 1 || p.levels > gap+1 {
		return p, fmt.Errorf("detect: Farrington: %d levels, want 1 to %d (period − 2·window)", p.levels, gap+1)
	}
	switch {
	case p.exclude == 0:
		p.exclude = p.period / 2
	case p.exclude < 0:
		p.exclude = 0
	}
	if p.exclude > p.period-p.window-1 {
		return p, fmt.Errorf("detect: Farrington: exclude %d reaches last year's window; want ≤ %d", p.exclude, p.period-p.window-1)
	}
	if p.alpha == 0 {
		p.alpha = farrAlpha
	}
	if !(p.alpha > 0 && p.alpha < 1) {
		return p, fmt.Errorf("detect: Farrington: alpha %v, want 0 < alpha < 1", p.alpha)
	}
	p.alpha = p.side.alpha(p.alpha)
	if p.reweightZ == 0 {
		p.reweightZ = farrReweightZ
	}
	if p.trendP == 0 {
		p.trendP = farrTrendP
	}
	if p.minCases == 0 {
		p.minCases = farrMinCases
	}
	if p.minWindow == 0 {
		p.minWindow = farrMinWindow
	}
	if p.minWindow < 1 {
		return p, fmt.Errorf("detect: Farrington: minWindow %d, want ≥ 1", p.minWindow)
	}
	p.threshold, p.power = opts.Threshold, opts.Power
	if p.threshold == "" {
		p.threshold = ThresholdNBPlugin
	}
	if p.power == "" {
		p.power = PowerTwoThird
	}
	if !slices.Contains(Thresholds, p.threshold) {
		return p, fmt.Errorf("detect: Farrington: threshold %q, want one of %v", p.threshold, Thresholds)
	}
	if _, err := FarringtonThreshold(1, 0, 1, p.power, 0.05, 0); err != nil {
		return p, fmt.Errorf("detect: Farrington: %w", err)
	}
	return p, nil
}

// Farrington is the improved Farrington method of Noufaily et al. (2013),
// after surveillance's farringtonFlexible. For each period t with Years·P +
// Window periods of history (P = Period):
//
//  1. Baseline data: the periods from t − Years·P − Window up to t, less the
//     Exclude most recent ones and t itself. The windows t − iP ± Window
//     (i = 1…Years) form the level of the seasonal factor that t belongs
//     to; each stretch between two windows is cut into Levels−1 blocks of
//     nearly equal length, the other levels (Levels = 1: only the windows
//     are used, as the original Farrington method).
//  2. A quasi-Poisson GLM log μ = intercept + factor (+ linear trend) is
//     fitted by IRLS; φ = max(1, Pearson χ²/df).
//  3. Past outbreaks are down-weighted: periods whose Anscombe residual
//     3/2·(y^⅔μ^−⅙ − μ^½)/√(φ(1−h)) exceeds ReweightZ (2.58) get weight
//     ∝ residual⁻², the others a common weight, scaled to sum to n; the
//     model is refitted and φ re-estimated.
//  4. The trend is kept only if its t-test p-value is below TrendP, Years
//     ≥ 3 and the prediction at t does not exceed the largest baseline
//     count; otherwise steps 2–3 are redone without it.
//  5. Expected is the prediction μ₀ at t; Upper is the 1−Alpha quantile of
//     the negative binomial with mean μ₀ and variance φμ₀ (Poisson when
//     φ = 1), Noufaily's plug-in threshold. PValue is P(Y ≥ observed)
//     under that distribution and Score is (Y−μ₀)/(Upper−μ₀).
//  6. The alarm is Y > Upper, unless fewer than MinCases were counted over
//     the last MinWindow periods including t.
//  7. Lower side: Lower is the smallest q with P(Y ≤ q) > Alpha, the
//     alarm Y < Lower (so P(Y ≤ observed) ≤ Alpha), PValue P(Y ≤ observed)
//     and Score −(μ₀−Y)/(μ₀−Lower); the minimum-count rule applies to the
//     expectation: no low alarm unless MinWindow·μ₀ ≥ MinCases. Side both
//     uses Alpha/2 on each side.
//
// A period whose model cannot be fitted is left unassessed.
func Farrington(x []float64, opts Options) ([]Result, error) {
	if err := checkSeries(x); err != nil {
		return nil, fmt.Errorf("detect: Farrington: %w", err)
	}
	p, err := farringtonParams(opts)
	if err != nil {
		return nil, err
	}
	res := newResults(x)
	for t := p.years*p.period + p.window; t < len(x); t++ {
		res[t] = farringtonAt(x, t, p)
	}
	return res, nil
}

// farringtonAt assesses period t, which must have years·period + window
// periods before it.
func farringtonAt(x []float64, t int, p farrParams) Result {
	nan := math.NaN()
	r := Result{Index: t, Observed: x[t], Expected: nan, Upper: nan, Lower: nan, Score: nan, PValue: nan}
	mu0, phi, seEta, ok := farringtonPredict(x, t, p)
	if !ok {
		return r
	}
	r.Expected = mu0
	y := x[t]
	var pUp, pLow float64
	up := math.NaN() // the upper score, as surveillance defines it
	switch p.threshold {
	case ThresholdDelta:
		b, _ := FarringtonThreshold(mu0, mu0*seEta, phi, p.power, p.alpha, y)
		r.Upper, r.Lower, pUp, pLow, up = b.Upper, b.Lower, b.Prob, 1-b.Prob, b.Score
	default:
		eta := math.Log(mu0)
		if mu0 == 0 {
			eta = math.Inf(-1)
		}
		b, _ := NoufailyThreshold(eta, seEta, phi, p.threshold, p.alpha, y)
		r.Upper, pUp = b.Upper, b.Prob
		if b.Upper > eta {
			up = b.Score
		}
		// Lower side (PADIS): the smallest q with P(Y ≤ q) > α, so that
		// a count below it has P(Y ≤ count) ≤ α; with muan the mean is
		// lowered by the same z·se, the conservative side for decreases.
		lowMu := mu0
		if p.threshold == ThresholdMuan && mu0 > 0 {
			lowMu = math.Exp(eta - distuv.UnitNormal.Quantile(1-p.alpha)*seEta)
		}
		r.Lower = clampZero(countQuantile(math.Nextafter(p.alpha, 1), lowMu, phi))
		pLow = countCDF(math.Floor(y), lowMu, phi)
	}
	r.PValue = p.side.pvalue(pUp, pLow)
	low := math.NaN()
	if mu0 > r.Lower {
		low = (mu0 - y) / (mu0 - r.Lower)
	}
	switch {
	case p.side.up && p.side.low:
		switch {
		case math.IsNaN(low) || (!math.IsNaN(up) && up >= low):
			r.Score = up
		default:
			r.Score = -low
		}
	case p.side.low:
		r.Score = -low
	default:
		r.Score = up
	}
	r.Low = p.side.low && y < r.Lower && mu0*float64(p.minWindow) >= float64(p.minCases)
	r.Alarm = (p.side.up && y > r.Upper && enoughCases(x, t, p)) || r.Low
	return r
}

// enoughCases applies the minimum-count rule.
func enoughCases(x []float64, t int, p farrParams) bool {
	if p.minCases < 0 {
		return true
	}
	sum := 0.0
	for i := max(0, t-p.minWindow+1); i <= t; i++ {
		sum += x[i]
	}
	return sum >= float64(p.minCases)
}

// farringtonLevels returns the seasonal-factor level of every period from
// start = t − years·P − window to t (index i−start); t's own level is
// p.levels, the others 1…levels−1.
func farringtonLevels(t int, p farrParams) (start int, level []int) {
	start = t - p.years*p.period - p.window
	level = make([]int, t-start+1)
	gap := p.period - 2*p.window - 1
	for i := 0; i <= p.years; i++ {
		ref := t - i*p.period
		for j := ref - p.window; j <= min(ref+p.window, t); j++ {
			level[j-start] = p.levels
		}
		if i == 0 || p.levels == 1 {
			continue
		}
		// Cut the gap after this window into levels−1 blocks, the
		// first ones one period longer when it does not divide.
		blocks := p.levels - 1
		pos := ref + p.window + 1
		for b := 1; b <= blocks; b++ {
			n := gap / blocks
			if b <= gap%blocks {
				n++
			}
			for j := 0; j < n; j++ {
				level[pos-start] = b
				pos++
			}
		}
	}
	return start, level
}

// farringtonPredict fits the baseline model for period t and returns μ₀,
// φ and the standard error of log μ₀; ok is false when no model could be
// fitted. The standard error uses the fit's Pearson dispersion (not
// floored at 1), as predict.glm does in surveillance (its dispersion
// argument is passed inside newdata and so ignored).
func farringtonPredict(x []float64, t int, p farrParams) (mu0, phi, seEta float64, ok bool) {
	start, level := farringtonLevels(t, p)
	var idx []int
	for i := start; i < t-p.exclude; i++ {
		if level[i-start] > 0 {
			idx = append(idx, i)
		}
	}
	y := make([]float64, len(idx))
	ymax := 0.0
	for j, i := range idx {
		y[j] = x[i]
		ymax = math.Max(ymax, x[i])
	}
	if ymax == 0 {
		return 0, 1, 0, true // nothing ever counted: expect nothing
	}

	// Dummy columns for the levels present other than t's own, which is
	// the reference so that the prediction at t is exp(intercept).
	present := map[int]bool{}
	for _, i := range idx {
		present[level[i-start]] = true
	}
	var dummies []int
	for l := 1; l < p.levels; l++ {
		if present[l] {
			dummies = append(dummies, l)
		}
	}
	design := func(trend bool) *mat.Dense {
		cols := 1 + len(dummies)
		if trend {
			cols++
		}
		d := mat.NewDense(len(idx), cols, nil)
		for r, i := range idx {
			d.Set(r, 0, 1)
			for c, l := range dummies {
				if level[i-start] == l {
					d.Set(r, 1+c, 1)
				}
			}
			if trend {
				d.Set(r, cols-1, float64(i-t)) // time 0 at t
			}
		}
		return d
	}

	withDesign := func(d *mat.Dense) func([]float64) (*PoissonFit, error) {
		return func(w []float64) (*PoissonFit, error) { return FitPoisson(d, y, w) }
	}
	if p.trend && p.years >= farrTrendMinB {
		fit, phi, err := fitReweighted(withDesign(design(true)), y, p.reweightZ)
		if err == nil {
			j := len(fit.Coef) - 1
			tstat := fit.Coef[j] / fit.StdErr(j, phi)
			pval := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(fit.DF)}.Survival(math.Abs(tstat))
			mu0 := math.Exp(fit.Coef[0])
			if fit.DF > 0 && pval < p.trendP && mu0 <= ymax {
				return mu0, phi, fit.StdErr(0, rawDispersion(fit, phi)), true
			}
		}
	}
	// Without trend the model is one-way: closed form, IRLS as fallback.
	lv := make([]int, len(idx))
	for j, i := range idx {
		lv[j] = level[i-start]
	}
	var noTrend *mat.Dense
	oneWay := func(w []float64) (*PoissonFit, error) {
		if f, ok := fitOneWay(lv, y, w, p.levels); ok {
			return f, nil
		}
		if noTrend == nil {
			noTrend = design(false)
		}
		return FitPoisson(noTrend, y, w)
	}
	fit, phi, err := fitReweighted(oneWay, y, p.reweightZ)
	if err != nil {
		return 0, 0, 0, false
	}
	return math.Exp(fit.Coef[0]), phi, fit.StdErr(0, rawDispersion(fit, phi)), true
}

// rawDispersion returns the fit's Pearson dispersion, or phi when it is
// undefined (no residual degrees of freedom).
func rawDispersion(f *PoissonFit, phi float64) float64 {
	if math.IsNaN(f.Dispersion) || math.IsInf(f.Dispersion, 0) {
		return phi
	}
	return f.Dispersion
}

// fitReweighted fits the quasi-Poisson model with fit (prior weights nil
// for all ones), down-weights observations whose Anscombe residual
// exceeds z and refits, as Farrington et al. (1996) with Noufaily's
// threshold. It returns the final fit and φ = max(1, dispersion).
func fitReweighted(fit func(w []float64) (*PoissonFit, error), y []float64, z float64) (*PoissonFit, float64, error) {
	f, err := fit(nil)
	if err != nil {
		return nil, 0, err
	}
	if !f.Converged {
		return nil, 0, fmt.Errorf("IRLS did not converge")
	}
	phi := dispersionAtLeastOne(f)
	w := anscombeWeights(y, f, phi, z)
	f, err = fit(w)
	if err != nil {
		return nil, 0, err
	}
	if !f.Converged {
		return nil, 0, fmt.Errorf("IRLS did not converge after reweighting")
	}
	return f, dispersionAtLeastOne(f), nil
}

// fitOneWay fits the Poisson GLM whose only term is a factor (intercept
// plus a dummy for every other level present), for which the maximum-
// likelihood means have a closed form: μ of a level is the weighted mean
// Σwᵢyᵢ/Σwᵢ of its observations. The working weights are Wᵢ = wᵢμᵢ, the
// hat values Wᵢ/Σ_level W and the Pearson dispersion as FitPoisson's;
// Coef holds only the log mean of level ref. ok is false when a level
// counts nothing (IRLS then drives its mean towards 0) or ref is absent;
// the caller falls back to FitPoisson. The answer equals FitPoisson's at
// its convergence (TestFitOneWayMatchesIRLS).
func fitOneWay(level []int, y, w []float64, ref int) (*PoissonFit, bool) {
	sw, swy, sW := map[int]float64{}, map[int]float64{}, map[int]float64{}
	nobs := 0
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}
	for i, g := range level {
		if wt(i) > 0 {
			sw[g] += wt(i)
			swy[g] += wt(i) * y[i]
			nobs++
		}
	}
	if sw[ref] == 0 {
		return nil, false
	}
	for g := range sw {
		if swy[g] == 0 {
			return nil, false
		}
	}
	f := &PoissonFit{Mu: make([]float64, len(y)), Hat: make([]float64, len(y)), Converged: true}
	for i, g := range level {
		f.Mu[i] = swy[g] / sw[g]
		if f.Mu[i] == 0 || math.IsNaN(f.Mu[i]) {
			f.Mu[i] = epsilon // a level with weight 0 only: not fitted
		}
		sW[g] += wt(i) * f.Mu[i]
	}
	pearson := 0.0
	for i, g := range level {
		if sW[g] > 0 {
			f.Hat[i] = wt(i) * f.Mu[i] / sW[g]
		}
		if wt(i) > 0 {
			d := y[i] - f.Mu[i]
			pearson += wt(i) * d * d / f.Mu[i]
		}
	}
	f.Coef = []float64{math.Log(swy[ref] / sw[ref])}
	// The intercept is the log mean of level ref: its unscaled variance
	// (XᵀWX)⁻¹ is 1/Σ_ref W.
	f.unscaled = mat.NewSymDense(1, []float64{1 / sW[ref]})
	f.DF = nobs - len(sw)
	f.Dispersion = math.NaN()
	if f.DF > 0 {
		f.Dispersion = pearson / float64(f.DF)
	}
	return f, true
}

func dispersionAtLeastOne(f *PoissonFit) float64 {
	if math.IsNaN(f.Dispersion) {
		return 1
	}
	return math.Max(1, f.Dispersion)
}

// anscombeWeights returns weights γ·sᵢ⁻² for Anscombe residuals sᵢ > z and
// γ otherwise, with γ making the weights sum to n.
func anscombeWeights(y []float64, f *PoissonFit, phi, z float64) []float64 {
	w := make([]float64, len(y))
	sum := 0.0
	for i := range y {
		mu, lev := f.Mu[i], 1-f.Hat[i]
		w[i] = 1
		if lev <= 0 {
			// A period fitted exactly (its own level) has no residual.
			sum += w[i]
			continue
		}
		s := 1.5 * (math.Pow(y[i], 2.0/3)*math.Pow(mu, -1.0/6) - math.Sqrt(mu)) / math.Sqrt(phi*lev)
		if s > z {
			w[i] = 1 / (s * s)
		}
		sum += w[i]
	}
	gamma := float64(len(y)) / sum
	for i := range w {
		w[i] *= gamma
	}
	return w
}
