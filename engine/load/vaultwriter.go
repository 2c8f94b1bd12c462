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

// vaultFlushBatches is how many sealed batches (of up to 2,048 rows, about
// 150 kB each) the vault writer appends between flushes.
const vaultFlushBatches = 128

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
			n := 0
			for b := range w.ch {
				if werr != nil {
					continue
				}
				werr = app.AppendRow(b.Table, b.ID, b.Nonce, b.Data)
				// The appender keeps what it is given until it is flushed:
				// flushing every vaultFlushBatches bounds that memory (at
				// 20 M persons the vault is 1.5 GB) and writes the vault
				// while the files are read, not all after them.
				if n++; werr == nil && n%vaultFlushBatches == 0 {
					werr = app.Flush()
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
