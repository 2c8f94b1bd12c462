package linkage

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
)

// Field is one compared field of the probable-duplicate score.
type Field struct {
	Name   string  // short name used in the agreement pattern
	Column string  // persons column
	M      float64 // P(agree | same person)
}

// DefaultFields are the fields compared for probable duplicates, with their
// m probabilities (the chance that two cards of the same person agree): the
// pseudonymised name, birth date, sex, residence and registration village,
// ethnicity and registration type. Family identifiers (household, mother)
// are left out on purpose: twins share them, and conditional independence
// would turn them into strong false evidence.
var DefaultFields = []Field{
	{"name", "name_key", 0.98},
	{"birth_date", "birth_date", 0.97},
	{"sex", "sex", 0.99},
	{"res_place", "res_place", 0.95},
	{"reg_place", "reg_place", 0.97},
	{"ethnicity", "ethnicity", 0.98},
	{"reg_type", "reg_type", 0.97},
}

// FieldParams are the probabilities and log2 weights used for a field.
type FieldParams struct {
	Field    string  `json:"field"`
	M        float64 `json:"m"`
	U        float64 `json:"u"`
	Agree    float64 `json:"agree"`    // log2(m/u)
	Disagree float64 `json:"disagree"` // log2((1−m)/(1−u))
}

// sampleAbove is the number of persons above which u is estimated on a
// deterministic 1-in-8 sample (by a hash of person_id).
const sampleAbove = 2_000_000

// estimateU returns, for each field, u = the probability that two distinct
// persons of the same residence township agree on it:
// Σ_t Σ_v n_tv(n_tv−1) / Σ_t n_t(n_t−1), the chance agreement inside the
// blocks the candidates come from. One scan with grouping sets.
func estimateU(ctx context.Context, conn *sql.Conn, persons string, fields []Field, n int64) ([]float64, error) {
	sample := ""
	if n > sampleAbove {
		sample = " WHERE hash(person_id) % 8 = 0"
	}
	cols := make([]string, len(fields))
	sets := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = f.Column
		sets[i] = "(t, " + f.Column + ")"
	}
	q := fmt.Sprintf(`WITH s AS (SELECT left(res_place, 9) AS t, %[1]s FROM %[2]s%[3]s),
g AS (SELECT grouping(%[1]s) AS gid, count(*)::DOUBLE AS n FROM s GROUP BY GROUPING SETS (%[4]s, (t)))
SELECT gid, sum(n * (n - 1)) FROM g GROUP BY gid`, strings.Join(cols, ", "), persons, sample, strings.Join(sets, ", "))
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("estimate u: %w", err)
	}
	defer rows.Close()
	pairs := map[int64]float64{}
	for rows.Next() {
		var gid int64
		var s float64
		if err := rows.Scan(&gid, &s); err != nil {
			return nil, fmt.Errorf("estimate u: %w", err)
		}
		pairs[gid] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("estimate u: %w", err)
	}
	all := int64(1)<<len(fields) - 1
	total := pairs[all]
	u := make([]float64, len(fields))
	for i := range fields {
		gid := all &^ (1 << (len(fields) - 1 - i))
		switch {
		case total <= 0:
			u[i] = 0.5
		default:
			u[i] = pairs[gid] / total
		}
		// keep u inside (0, 1) so that both weights are finite
		u[i] = math.Min(math.Max(u[i], 1e-6), 0.999)
	}
	return u, nil
}

// params computes the weights of each field from m and u.
func params(fields []Field, u []float64) []FieldParams {
	out := make([]FieldParams, len(fields))
	for i, f := range fields {
		m := math.Min(math.Max(f.M, 1e-6), 1-1e-6)
		out[i] = FieldParams{Field: f.Name, M: m, U: u[i], Agree: math.Log2(m / u[i]), Disagree: math.Log2((1 - m) / (1 - u[i]))}
	}
	return out
}

// scoreSQL returns the agreement columns (1 agree, 0 disagree, NULL when
// either side is missing), the score expression and the agreement JSON
// arguments for the pairs statement.
func scoreSQL(fields []Field, ps []FieldParams) (agreements, score, js string) {
	var ag, sc, j []string
	for i, f := range fields {
		a := fmt.Sprintf("CASE WHEN a.%[1]s IS NULL OR b.%[1]s IS NULL THEN NULL WHEN a.%[1]s = b.%[1]s THEN 1 ELSE 0 END", f.Column)
		ag = append(ag, a+" AS "+f.Name+"_agree")
		sc = append(sc, fmt.Sprintf("CASE %s WHEN 1 THEN %g WHEN 0 THEN %g ELSE 0 END", "("+a+")", ps[i].Agree, ps[i].Disagree))
		j = append(j, fmt.Sprintf("'%s', %s_agree", f.Name, f.Name))
	}
	return strings.Join(ag, ", "), strings.Join(sc, " + "), strings.Join(j, ", ")
}
