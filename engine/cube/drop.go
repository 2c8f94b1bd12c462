package cube

import (
	"context"
	"fmt"

	"github.com/padis/padis/engine/store"
)

// Drop deletes the cube of version (all its tables' rows) in one
// transaction; use it with store.Drop, which does not know the cube.
func Drop(ctx context.Context, st *store.Store, version int64) error {
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop cube of version %d: %w", version, err)
	}
	defer tx.Rollback()
	if err := migrate(ctx, tx); err != nil {
		return err
	}
	for _, t := range []string{RunsTable, MeasuresTable, AgeTable, ValuesTable, BaseTable} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE version = ?`, version); err != nil {
			return fmt.Errorf("drop cube of version %d: %s: %w", version, t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("drop cube of version %d: %w", version, err)
	}
	return nil
}
