package detect

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PoissonFit is a Poisson (or quasi-Poisson) generalised linear model with
// log link fitted by iteratively reweighted least squares.
type PoissonFit struct {
	Coef       []float64 // estimated coefficients β, one per column of X
	Mu         []float64 // fitted means μᵢ = exp(xᵢᵀβ)
	Hat        []float64 // diagonal of the hat matrix W½X(XᵀWX)⁻¹XᵀW½
	Dispersion float64   // Pearson estimate Σ wᵢ(yᵢ−μᵢ)²/μᵢ / (n−p); NaN when n ≤ p
	Deviance   float64   // 2 Σ wᵢ [yᵢ log(yᵢ/μᵢ) − (yᵢ−μᵢ)]
	DF         int       // residual degrees of freedom: observations with positive weight minus p
	Iterations int       // IRLS iterations used
	Converged  bool      // relative change of deviance fell below the tolerance

	// unscaled is (XᵀWX)⁻¹ at the solution; the covariance of Coef is
	// dispersion × unscaled.
	unscaled *mat.SymDense
}

// IRLS control values, the defaults of R's glm.control.
const (
	irlsMaxIter = 25
	irlsTol     = 1e-8
)

// epsilon is the smallest fitted mean, R's .Machine$double.eps.
const epsilon = 0x1p-52

// errSingular reports a design whose weighted cross-product cannot be
// inverted, for example a column of zeros or fitted means underflowing to 0.
var errSingular = errors.New("singular weighted design matrix")

// FitPoisson fits log E[yᵢ] = xᵢᵀβ by IRLS with prior weights w (nil for
// all ones; a zero weight drops the observation). The iteration starts from
// μ = y + 0.1, as R's poisson family does, and stops when the relative change
// of the deviance is below 1e-8 or after 25 iterations (Converged is then
// false). y must be non-negative and finite.
func FitPoisson(x mat.Matrix, y, w []float64) (*PoissonFit, error) {
	n, p := x.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("detect: FitPoisson: %d responses for %d design rows", len(y), n)
	}
	if w == nil {
		w = make([]float64, n)
		for i := range w {
			w[i] = 1
		}
	}
	if len(w) != n {
		return nil, fmt.Errorf("detect: FitPoisson: %d weights for %d design rows", len(w), n)
	}
	nobs := 0
	for i := range y {
		if y[i] < 0 || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("detect: FitPoisson: response %d is %v, want a finite count ≥ 0", i, y[i])
		}
		if w[i] < 0 || math.IsNaN(w[i]) || math.IsInf(w[i], 0) {
			return nil, fmt.Errorf("detect: FitPoisson: weight %d is %v, want finite ≥ 0", i, w[i])
		}
		if w[i] > 0 {
			nobs++
		}
	}
	if nobs < p {
		return nil, fmt.Errorf("detect: FitPoisson: %d weighted observations for %d coefficients", nobs, p)
	}

	mu := make([]float64, n)
	eta := make([]float64, n)
	for i := range y {
		mu[i] = y[i] + 0.1
		eta[i] = math.Log(mu[i])
	}
	beta := mat.NewVecDense(p, nil)
	sx := mat.NewDense(n, p, nil)
	sz := mat.NewVecDense(n, nil)
	fit := &PoissonFit{}
	devOld := math.Inf(1)
	for it := 1; it <= irlsMaxIter; it++ {
		// Weighted least squares of the working response z on X with
		// working weights wᵢμᵢ, solved by QR of W½X.
		for i := 0; i < n; i++ {
			ww := math.Sqrt(w[i] * mu[i])
			for j := 0; j < p; j++ {
				sx.Set(i, j, ww*x.At(i, j))
			}
			sz.SetVec(i, ww*(eta[i]+(y[i]-mu[i])/mu[i]))
		}
		if err := beta.SolveVec(sx, sz); err != nil {
			return nil, fmt.Errorf("detect: FitPoisson: iteration %d: %w", it, errSingular)
		}
		for i := 0; i < n; i++ {
			e := 0.0
			for j := 0; j < p; j++ {
				e += x.At(i, j) * beta.AtVec(j)
			}
			eta[i] = e
			// As R's poisson()$linkinv, keep μ away from 0 so the
			// working weights and responses stay finite.
			mu[i] = math.Max(math.Exp(e), epsilon)
		}
		dev := poissonDeviance(y, mu, w)
		fit.Iterations = it
		if math.IsNaN(dev) || math.IsInf(dev, 0) {
			return nil, fmt.Errorf("detect: FitPoisson: iteration %d: deviance is %v", it, dev)
		}
		if math.Abs(dev-devOld)/(math.Abs(dev)+0.1) < irlsTol {
			fit.Converged = true
			fit.Deviance = dev
			break
		}
		devOld = dev
		fit.Deviance = dev
	}

	// (XᵀWX)⁻¹ at the solution, for standard errors and hat values.
	xtwx := mat.NewSymDense(p, nil)
	for i := 0; i < n; i++ {
		ww := w[i] * mu[i]
		if ww == 0 {
			continue
		}
		for j := 0; j < p; j++ {
			xij := x.At(i, j)
			for k := j; k < p; k++ {
				xtwx.SetSym(j, k, xtwx.At(j, k)+ww*xij*x.At(i, k))
			}
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(xtwx) {
		return nil, fmt.Errorf("detect: FitPoisson: %w", errSingular)
	}
	inv := mat.NewSymDense(p, nil)
	if err := chol.InverseTo(inv); err != nil {
		return nil, fmt.Errorf("detect: FitPoisson: %w", errSingular)
	}
	fit.unscaled = inv
	fit.Coef = make([]float64, p)
	for j := range fit.Coef {
		fit.Coef[j] = beta.AtVec(j)
	}
	fit.Mu = mu
	fit.Hat = make([]float64, n)
	row := make([]float64, p)
	pearson := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			row[j] = x.At(i, j)
		}
		r := mat.NewVecDense(p, row)
		fit.Hat[i] = w[i] * mu[i] * mat.Inner(r, inv, r)
		if w[i] > 0 {
			d := y[i] - mu[i]
			pearson += w[i] * d * d / mu[i]
		}
	}
	fit.DF = nobs - p
	fit.Dispersion = math.NaN()
	if fit.DF > 0 {
		fit.Dispersion = pearson / float64(fit.DF)
	}
	return fit, nil
}

// StdErr returns the standard error of coefficient j when the variance is
// dispersion × μ (dispersion 1 for a Poisson model).
func (f *PoissonFit) StdErr(j int, dispersion float64) float64 {
	return math.Sqrt(dispersion * f.unscaled.At(j, j))
}

// poissonDeviance returns 2 Σ wᵢ [yᵢ log(yᵢ/μᵢ) − (yᵢ − μᵢ)].
func poissonDeviance(y, mu, w []float64) float64 {
	d := 0.0
	for i := range y {
		if w[i] == 0 {
			continue
		}
		t := -(y[i] - mu[i])
		if y[i] > 0 {
			t += y[i] * math.Log(y[i]/mu[i])
		}
		d += w[i] * t
	}
	return 2 * d
}
