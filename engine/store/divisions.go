package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/models"
)

// DivisionsTable holds the 12-digit village codes against which division
// columns are validated.
const DivisionsTable = "meta.divisions"

// SetDivisions makes the villages of tree the division list used by
// validation. It does nothing when the same list is already stored.
func (s *Store) SetDivisions(ctx context.Context, tree *models.DivisionTree) error {
	villages := tree.Level(models.LevelVillage)
	h := sha256.New()
	codes := make([]string, len(villages))
	for i, d := range villages {
		codes[i] = models.PadCode(d.Code)
		h.Write([]byte(codes[i]))
		h.Write([]byte{'\n'})
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var have string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta.settings WHERE key = 'divisions_sha256'`).Scan(&have)
	if err == nil && have == sum {
		return nil
	}
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("set divisions: %w", err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("set divisions: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION; DELETE FROM meta.divisions; DELETE FROM meta.settings WHERE key = 'divisions_sha256'`); err != nil {
		return fmt.Errorf("set divisions: %w", err)
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "", "meta", "divisions")
		if err != nil {
			return err
		}
		for _, c := range codes {
			if err := app.AppendRow(c); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err == nil {
		_, err = conn.ExecContext(ctx, `INSERT INTO meta.settings VALUES ('divisions_sha256', ?)`, sum)
	}
	if err != nil {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		return fmt.Errorf("set divisions: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("set divisions: %w", err)
	}
	return nil
}

// DivisionCount returns the number of village codes stored.
func (s *Store) DivisionCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM meta.divisions`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count divisions: %w", err)
	}
	return n, nil
}
