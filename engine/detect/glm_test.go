package detect

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// TestFitPoissonClosedForm checks IRLS where the MLE has a closed form:
// with an intercept only, β₀ = log(weighted mean); with an intercept and a
// 0/1 group indicator, β₀ = log(mean of group 0) and β₁ = log(mean₁/mean₀).
func TestFitPoissonClosedForm(t *testing.T) {
	tests := []struct {
		name string
		x    [][]float64
		y, w []float64
		want []float64
		disp float64 // Pearson dispersion, computed by hand
	}{
		{
			name: "intercept",
			x:    [][]float64{{1}, {1}, {1}, {1}},
			y:    []float64{2, 4, 6, 8},
			want: []float64{math.Log(5)},
			// Σ(y−5)²/5 / 3 = (9+1+1+9)/5/3
			disp: 20.0 / 15,
		},
		{
			name: "weighted intercept",
			x:    [][]float64{{1}, {1}, {1}},
			y:    []float64{1, 3, 10},
			w:    []float64{2, 1, 0},
			want: []float64{math.Log(5.0 / 3)},
			disp: (2*(1-5.0/3)*(1-5.0/3) + (3-5.0/3)*(3-5.0/3)) / (5.0 / 3) / 1,
		},
		{
			name: "two groups",
			x:    [][]float64{{1, 0}, {1, 0}, {1, 0}, {1, 1}, {1, 1}},
			y:    []float64{3, 5, 4, 10, 14},
			want: []float64{math.Log(4), math.Log(12.0 / 4)},
			// group 0: (1+1+0)/4, group 1: (4+4)/12, df 3
			disp: (0.5 + 8.0/12) / 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := denseRows(tc.x)
			fit, err := FitPoisson(x, tc.y, tc.w)
			if err != nil {
				t.Fatal(err)
			}
			if !fit.Converged {
				t.Fatalf("not converged after %d iterations", fit.Iterations)
			}
			for j, w := range tc.want {
				if math.Abs(fit.Coef[j]-w) > 1e-8 {
					t.Errorf("β%d = %.10f, want %.10f", j, fit.Coef[j], w)
				}
			}
			if math.Abs(fit.Dispersion-tc.disp) > 1e-8 {
				t.Errorf("dispersion %v, want %v", fit.Dispersion, tc.disp)
			}
			// Hat values of a saturated-by-group model sum to p.
			sum := 0.0
			for _, h := range fit.Hat {
				sum += h
			}
			if _, p := x.Dims(); math.Abs(sum-float64(p)) > 1e-8 {
				t.Errorf("trace of hat matrix %v, want %d", sum, p)
			}
		})
	}
}

// TestFitPoissonNewton compares IRLS with an independent fit: plain
// Newton–Raphson with step halving on the Poisson log-likelihood
// ℓ(β) = Σ yᵢηᵢ − exp(ηᵢ), from its gradient and Hessian, on a design with
// a trend and a harmonic. (gonum/optimize cannot be used here: it imports
// golang.org/x/tools, which the module's go.sum does not cover.) It also
// checks the score equations Xᵀ(y − μ) = 0 at the IRLS solution.
func TestFitPoissonNewton(t *testing.T) {
	y := []float64{12, 15, 9, 22, 30, 18, 11, 14, 25, 31, 35, 20, 16, 19, 28, 40}
	rows := make([][]float64, len(y))
	for i := range y {
		a := 2 * math.Pi * float64(i) / 8
		rows[i] = []float64{1, float64(i) / 10, math.Cos(a), math.Sin(a)}
	}
	x := denseRows(rows)
	fit, err := FitPoisson(x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !fit.Converged {
		t.Fatal("IRLS did not converge")
	}

	p := len(rows[0])
	loglik := func(b []float64) float64 {
		l := 0.0
		for i := range y {
			e := floats.Dot(rows[i], b)
			l += y[i]*e - math.Exp(e)
		}
		return l
	}
	b := make([]float64, p) // start far from the answer: β = 0
	for it := 0; it < 100; it++ {
		grad := mat.NewVecDense(p, nil)
		hess := mat.NewSymDense(p, nil)
		for i := range y {
			m := math.Exp(floats.Dot(rows[i], b))
			for j := 0; j < p; j++ {
				grad.SetVec(j, grad.AtVec(j)+(y[i]-m)*rows[i][j])
				for k := j; k < p; k++ {
					hess.SetSym(j, k, hess.At(j, k)+m*rows[i][j]*rows[i][k])
				}
			}
		}
		var chol mat.Cholesky
		if !chol.Factorize(hess) {
			t.Fatal("Newton: Hessian not positive definite")
		}
		var step mat.VecDense
		if err := chol.SolveVecTo(&step, grad); err != nil {
			t.Fatal(err)
		}
		l0 := loglik(b)
		next := make([]float64, p)
		for h := 1.0; ; h /= 2 {
			for j := range next {
				next[j] = b[j] + h*step.AtVec(j)
			}
			if loglik(next) >= l0 || h < 1e-10 {
				break
			}
		}
		b = next
		if mat.Norm(&step, 2) < 1e-13 {
			break
		}
	}
	for j := range fit.Coef {
		if math.Abs(fit.Coef[j]-b[j]) > 1e-8 {
			t.Errorf("β%d: IRLS %.10f, Newton %.10f", j, fit.Coef[j], b[j])
		}
	}
	for j := 0; j < p; j++ {
		score := 0.0
		for i := range y {
			score += rows[i][j] * (y[i] - fit.Mu[i])
		}
		if math.Abs(score) > 1e-6 {
			t.Errorf("score equation %d: Xᵀ(y−μ) = %v, want 0", j, score)
		}
	}
	// The standard errors are the square roots of the diagonal of the
	// inverse Hessian (Fisher information) at the optimum.
	hess := mat.NewSymDense(p, nil)
	for i := range y {
		m := math.Exp(floats.Dot(rows[i], b))
		for j := 0; j < p; j++ {
			for k := j; k < p; k++ {
				hess.SetSym(j, k, hess.At(j, k)+m*rows[i][j]*rows[i][k])
			}
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(hess) {
		t.Fatal("Hessian not positive definite")
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		t.Fatal(err)
	}
	for j := range fit.Coef {
		if se := math.Sqrt(inv.At(j, j)); math.Abs(fit.StdErr(j, 1)-se)/se > 1e-6 {
			t.Errorf("se(β%d): IRLS %v, inverse Hessian %v", j, fit.StdErr(j, 1), se)
		}
	}
}

func TestFitPoissonErrors(t *testing.T) {
	x := denseRows([][]float64{{1, 0}, {1, 0}})
	tests := []struct {
		name string
		y, w []float64
	}{
		{"length", []float64{1}, nil},
		{"negative", []float64{1, -2}, nil},
		{"weights", []float64{1, 2}, []float64{1}},
		{"singular column", []float64{1, 2}, nil},
	}
	for _, tc := range tests {
		if _, err := FitPoisson(x, tc.y, tc.w); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func denseRows(rows [][]float64) *mat.Dense {
	d := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		d.SetRow(i, r)
	}
	return d
}
