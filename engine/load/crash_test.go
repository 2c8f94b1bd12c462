package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/padis/padis/engine/store"
	"github.com/padis/padis/models"
)

const childEnv = "PADIS_TEST_CHILD_LOAD" // "store dir|snapshot dir"

// childLoad is the child process of TestKillMidLoad: it loads a snapshot
// and prints a line per progress report until it is killed.
func childLoad() int {
	storeDir, snap, _ := strings.Cut(os.Getenv(childEnv), "|")
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Dir: storeDir, Threads: 2, MemoryLimit: "1GB"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	opts := Options{Keys: testKeys(nil), Divisions: realTree(nil), ProgressEvery: 5 * time.Millisecond,
		Progress: func(p Progress) { fmt.Printf("progress %s %d\n", p.Phase, p.Rows) }}
	if _, err := Load(ctx, st, snap, opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// previous is what a test knows of the version that must survive.
type previous struct {
	version  *store.Version
	persons  int64
	sumOfRow int64
}

func loadPrevious(t *testing.T, st *store.Store) previous {
	t.Helper()
	rep, err := Load(context.Background(), st, synthSnapshot(t, 2000, "parquet", nil), Options{Keys: testKeys(t), Divisions: realTree(t)})
	if err != nil {
		t.Fatal(err)
	}
	p := previous{version: rep.Version}
	st.DB().QueryRow(`SELECT count(*), sum(_row) FROM `+st.Table(rep.Version.ID, models.TablePersons)).Scan(&p.persons, &p.sumOfRow)
	return p
}

// checkSurvived asserts the previous version is current and intact and
// nothing of the interrupted load is left.
func checkSurvived(t *testing.T, st *store.Store, p previous) {
	t.Helper()
	ctx := context.Background()
	cur, err := st.Current(ctx, "51")
	if err != nil || cur.ID != p.version.ID {
		t.Fatalf("current = %v, %v; want version %d", cur, err, p.version.ID)
	}
	var n, sum int64
	if err := st.DB().QueryRow(`SELECT count(*), sum(_row) FROM `+st.Table(cur.ID, models.TablePersons)).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != p.persons || sum != p.sumOfRow || cur.Tables[0].Accepted != p.version.Tables[0].Accepted {
		t.Fatalf("previous version changed: %d persons (sum %d), had %d (sum %d)", n, sum, p.persons, p.sumOfRow)
	}
	var schemas int
	st.DB().QueryRow(`SELECT count(*) FROM duckdb_schemas() WHERE schema_name LIKE 'v%' AND schema_name <> ?`, store.SchemaName(cur.ID)).Scan(&schemas)
	if schemas != 0 {
		t.Fatalf("%d half-written version schemas left", schemas)
	}
	vs, _ := st.Versions(ctx, "")
	if len(vs) != 1 {
		t.Fatalf("%d versions listed", len(vs))
	}
	ents, _ := os.ReadDir(st.Config().TempDir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), store.WorkDirPrefix) {
			t.Fatalf("load work directory %s left", e.Name())
		}
	}
}

// TestCancelMidLoad cancels a load while it reads rows (Ctrl-C).
func TestCancelMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a snapshot")
	}
	st := openStore(t, t.TempDir())
	defer st.Close()
	prev := loadPrevious(t, st)
	snap := synthSnapshot(t, 40000, "csv", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sawRows int64
	opts := Options{Keys: testKeys(t), Divisions: realTree(t), ProgressEvery: time.Millisecond, Progress: func(p Progress) {
		if p.Phase == "read" && p.Rows > 0 && sawRows == 0 {
			sawRows = p.Rows
			cancel()
		}
	}}
	_, err := Load(ctx, st, snap, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("load returned %v, want a cancellation", err)
	}
	if sawRows == 0 {
		t.Fatal("cancelled before any row was read")
	}
	checkSurvived(t, st, prev)
	rep, err := Load(context.Background(), st, snap, Options{Keys: testKeys(t), Divisions: realTree(t)})
	if err != nil {
		t.Fatalf("reload after cancel: %v", err)
	}
	if cur, _ := st.Current(context.Background(), "51"); cur.ID != rep.Version.ID {
		t.Fatalf("reloaded version %d is not current", rep.Version.ID)
	}
}

// TestKillMidLoad kills a child process loading a snapshot with SIGKILL
// after its first progress report with rows read, then reopens the store.
func TestKillMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a snapshot")
	}
	dir := t.TempDir()
	st := openStore(t, dir)
	prev := loadPrevious(t, st)
	st.Close()
	snap := synthSnapshot(t, 40000, "csv", nil)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir+"|"+snap)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		var phase string
		var rows int64
		if _, err := fmt.Sscanf(sc.Text(), "progress %s %d", &phase, &rows); err == nil && phase == "read" && rows > 0 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("the child finished before it could be killed (%v)", werr)
	}
	// A killed load may leave its work directory (with plaintext copies)
	// and a loading version: both must be gone after Open.
	st = openStore(t, dir)
	defer st.Close()
	if len(st.Recovered()) != 1 {
		t.Errorf("recovered %v, want the killed version", st.Recovered())
	}
	checkSurvived(t, st, prev)
	if _, err := os.Stat(filepath.Join(dir, store.DBFileName)); err != nil {
		t.Fatal(err)
	}
	rep, err := Load(context.Background(), st, snap, Options{Keys: testKeys(t), Divisions: realTree(t)})
	if err != nil {
		t.Fatalf("reload after kill: %v", err)
	}
	if rep.AlreadyLoaded {
		t.Fatal("the killed load counts as loaded")
	}
}
