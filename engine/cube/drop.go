package cube

import (
	"context"
	"database/sql"
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
	if err := deleteVersion(ctx, tx, version); err != nil {
		return fmt.Errorf("drop cube of version %d: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("drop cube of version %d: %w", version, err)
	}
	return nil
}

// deleteVersion deletes the rows of version from every cube table.
func deleteVersion(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, version int64) error {
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, `DELETE FROM `+t+` WHERE version = ?`, version); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	return nil
}
