package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/padis/padis/engine/pii"
	"github.com/padis/padis/engine/store"
)

// vaultDDL creates a version's vault table.
func vaultDDL(st *store.Store, version int64) string {
	return `CREATE TABLE ` + st.Table(version, pii.VaultTable) + ` (tbl VARCHAR NOT NULL, batch BIGINT NOT NULL, nonce BLOB NOT NULL, data BLOB NOT NULL)`
}

// vaultWriter appends sealed batches to the vault table on a connection of
// its own while the load's statements run on another.
type vaultWriter struct {
	ch   chan pii.Batch
	done chan struct{} // closed to abandon
	errc chan error
}

func startVaultWriter(ctx context.Context, db *sql.DB, version int64) (*vaultWriter, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	w := &vaultWriter{ch: make(chan pii.Batch, 64), done: make(chan struct{}), errc: make(chan error, 1)}
	go func() {
		defer conn.Close()
		w.errc <- conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppender(dc.(driver.Conn), "", store.SchemaName(version), pii.VaultTable)
			if err != nil {
				return fmt.Errorf("vault appender: %w", err)
			}
			var werr error
			for b := range w.ch {
				if werr == nil {
					werr = app.AppendRow(b.Table, b.ID, b.Nonce, b.Data)
				}
			}
			if cerr := app.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return fmt.Errorf("vault: %w", werr)
			}
			return nil
		})
	}()
	return w, nil
}

// finish waits until every batch is stored.
func (w *vaultWriter) finish() error {
	close(w.ch)
	return <-w.errc
}

// abandon stops a writer whose load failed.
func (w *vaultWriter) abandon() {
	close(w.done)
	close(w.ch)
	<-w.errc
}
