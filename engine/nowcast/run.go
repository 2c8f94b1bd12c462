package nowcast

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"time"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

// Table holds the nowcasts of every version: one row per unit (province,
// prefecture, county), indicator and month nowcast (the Recent latest
// months and older ones still provisional).
const Table = "nowcast.values"

// MinEvents is the number of registered events of a type (over the whole
// period) from which a unit below the province gets its own delay
// distribution; a smaller unit borrows its province's. With 500 events
// the binomial standard error of a completeness near 0.7 is about 0.02,
// i.e. ±3 % on the nowcast.
const MinEvents = 500

// Indicators maps the event types to the count indicators they correct.
var Indicators = map[string]string{"birth": "births", "death": "deaths", "in": "migrants_in", "out": "migrants_out"}

// Levels are the levels nowcast: those of the cube's count values.
var Levels = []models.Level{models.LevelProvince, models.LevelCity, models.LevelCounty}

// Row is the nowcast of one unit, indicator and month.
type Row struct {
	Division   string       `json:"division"`
	Level      models.Level `json:"level"`
	Indicator  string       `json:"indicator"`
	Period     string       `json:"period"` // YYYY-MM
	Registered float64      `json:"registered"`
	Nowcast    float64      `json:"nowcast"`
	Lower      float64      `json:"lower"`
	Upper      float64      `json:"upper"`
	// Completeness is the estimated share of the month's events
	// registered by as-of; Provisional is Completeness < Provisional.
	Completeness float64 `json:"completeness"`
	Provisional  bool    `json:"provisional"`
	// DelayUnit is the unit whose delay distribution was used (the unit
	// itself, or its province when it has fewer than MinEvents events).
	DelayUnit string `json:"delay_unit"`
}

// Key returns the key of a row for a value: indicator, division, period.
func Key(indicator, division, period string) string {
	return indicator + "|" + division + "|" + period
}

const ddl = `CREATE SCHEMA IF NOT EXISTS nowcast;
CREATE TABLE IF NOT EXISTS nowcast.values (version BIGINT NOT NULL, division VARCHAR NOT NULL, level TINYINT NOT NULL,
	indicator VARCHAR NOT NULL, period VARCHAR NOT NULL, registered DOUBLE NOT NULL, nowcast DOUBLE NOT NULL,
	lower DOUBLE NOT NULL, upper DOUBLE NOT NULL, completeness DOUBLE NOT NULL, provisional BOOLEAN NOT NULL,
	delay_unit VARCHAR NOT NULL)`

// countsSQL counts the version's events of the four types by county of
// the event place, type, occurrence month and delay in months
// (registration month − occurrence month).
const countsSQL = `SELECT left(place, 6) AS county, event_type,
	year(event_date) * 12 + month(event_date) - 1 AS m,
	year(recorded_date) * 12 + month(recorded_date) - year(event_date) * 12 - month(event_date) AS d,
	count(*) AS n
FROM %s
WHERE event_type IN ('birth', 'death', 'in', 'out') AND length(place) >= 6
	AND event_date >= ? AND event_date <= ? AND recorded_date >= event_date AND recorded_date <= ?
GROUP BY ALL`

// Compute reads the events of version and returns its nowcasts, sorted
// by indicator, division and period.
func Compute(ctx context.Context, st *store.Store, version int64) ([]Row, error) {
	v, err := st.Version(ctx, version)
	if err != nil {
		return nil, fmt.Errorf("nowcast: %w", err)
	}
	first, last := monthIndex(v.PeriodStart), monthIndex(v.AsOf)
	rows, err := st.DB().QueryContext(ctx, fmt.Sprintf(countsSQL, st.Table(version, models.TableEvents)), v.PeriodStart, v.AsOf, v.AsOf)
	if err != nil {
		return nil, fmt.Errorf("nowcast of version %d: read events: %w", version, err)
	}
	defer rows.Close()
	// triangles by event type and unit of every level
	tri := map[string]map[string]*Triangle{}
	for rows.Next() {
		var county, typ string
		var m, d int
		var n float64
		if err := rows.Scan(&county, &typ, &m, &d, &n); err != nil {
			return nil, fmt.Errorf("nowcast of version %d: read events: %w", version, err)
		}
		if tri[typ] == nil {
			tri[typ] = map[string]*Triangle{}
		}
		for _, l := range Levels {
			u := county[:l.CodeLen()]
			t := tri[typ][u]
			if t == nil {
				t = NewTriangle(first, last)
				tri[typ][u] = t
			}
			t.Add(m, d, n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("nowcast of version %d: read events: %w", version, err)
	}
	var out []Row
	for typ, units := range tri {
		delays := map[string]*Delay{}
		for u, t := range units {
			if len(u) == models.LevelProvince.CodeLen() || t.Total() >= MinEvents {
				delays[u] = EstimateDelay(t)
			}
		}
		for u, t := range units {
			du := u
			if delays[u] == nil {
				du = u[:models.LevelProvince.CodeLen()]
			}
			lvl, _ := models.LevelOfCode(u)
			for _, e := range Nowcast(t, delays[du], seed(typ, u)) {
				out = append(out, Row{Division: u, Level: lvl, Indicator: Indicators[typ], Period: monthLabel(e.Month),
					Registered: e.Registered, Nowcast: e.Nowcast, Lower: e.Lower, Upper: e.Upper,
					Completeness: e.Completeness, Provisional: e.Completeness < Provisional, DelayUnit: du})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Indicator != b.Indicator {
			return a.Indicator < b.Indicator
		}
		if a.Division != b.Division {
			return a.Division < b.Division
		}
		return a.Period < b.Period
	})
	return out, nil
}

// Run computes the nowcasts of version and replaces its rows of Table.
// Running it twice gives the same table (the bootstrap is seeded by unit
// and type).
func Run(ctx context.Context, st *store.Store, version int64) ([]Row, error) {
	rows, err := Compute(ctx, st, version)
	if err != nil {
		return nil, err
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("nowcast of version %d: %w", version, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, ddl); err != nil {
		return nil, fmt.Errorf("nowcast schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+Table+` WHERE version = ?`, version); err != nil {
		return nil, fmt.Errorf("nowcast of version %d: %w", version, err)
	}
	const batch = 500
	for i := 0; i < len(rows); i += batch {
		var vals []string
		for _, r := range rows[i:min(i+batch, len(rows))] {
			vals = append(vals, fmt.Sprintf("(%d, %s, %d, %s, %s, %g, %g, %g, %g, %g, %t, %s)", version, store.Quote(r.Division), r.Level,
				store.Quote(r.Indicator), store.Quote(r.Period), r.Registered, r.Nowcast, r.Lower, r.Upper, r.Completeness, r.Provisional, store.Quote(r.DelayUnit)))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+Table+` VALUES `+strings.Join(vals, ", ")); err != nil {
			return nil, fmt.Errorf("nowcast of version %d: store: %w", version, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("nowcast of version %d: %w", version, err)
	}
	return rows, nil
}

// Provisionals returns the provisional rows of version by Key (none when
// the nowcast step has never run). It only reads.
func Provisionals(ctx context.Context, db *sql.DB, version int64) (map[string]Row, error) {
	rows, err := db.QueryContext(ctx, `SELECT division, level, indicator, period, registered, nowcast, lower, upper, completeness, delay_unit
FROM `+Table+` WHERE version = ? AND provisional`, version)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("nowcasts of version %d: %w", version, err)
	}
	defer rows.Close()
	out := map[string]Row{}
	for rows.Next() {
		r := Row{Provisional: true}
		if err := rows.Scan(&r.Division, &r.Level, &r.Indicator, &r.Period, &r.Registered, &r.Nowcast, &r.Lower, &r.Upper, &r.Completeness, &r.DelayUnit); err != nil {
			return nil, fmt.Errorf("nowcasts of version %d: %w", version, err)
		}
		out[Key(r.Indicator, r.Division, r.Period)] = r
	}
	return out, rows.Err()
}

// Drop removes the nowcasts of version.
func Drop(ctx context.Context, st *store.Store, version int64) error {
	if _, err := st.DB().ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("drop nowcasts of version %d: %w", version, err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM `+Table+` WHERE version = ?`, version); err != nil {
		return fmt.Errorf("drop nowcasts of version %d: %w", version, err)
	}
	return nil
}

func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

func monthLabel(m int) string { return fmt.Sprintf("%04d-%02d", m/12, m%12+1) }

// seed derives a bootstrap seed from the event type and unit.
func seed(typ, unit string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(typ + "|" + unit))
	return h.Sum64()
}
