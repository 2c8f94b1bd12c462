package cube

import (
	"context"
	"database/sql"
)

// Materialize writes the indicator values of version into cube.values for
// the units and periods of the table only (columns division, ptype,
// period; every unit and period when only is ""), from the version's
// cube.measures and cube.age, exactly as a build does. It is for cubes
// whose measures another package writes: the national merge of
// engine/exchange sums the provinces' measures and derives the values
// here, so that there is one derivation. The caller deletes the values it
// replaces first; conn may be inside a transaction.
func Materialize(ctx context.Context, conn *sql.Conn, version int64, opts Options, only string) (int64, error) {
	return materialize(ctx, conn, version, opts.withDefaults(), only)
}
