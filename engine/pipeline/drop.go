package pipeline

import (
	"context"
	"fmt"

	"github.com/padis/padis/engine/alerts"
	"github.com/padis/padis/engine/cube"
	"github.com/padis/padis/engine/dse"
	"github.com/padis/padis/engine/linkage"
	"github.com/padis/padis/engine/nowcast"
	"github.com/padis/padis/engine/quality"
	"github.com/padis/padis/engine/store"
)

// Drop removes version everywhere: the rows the post-steps and the cube
// wrote for it, in the reverse order of Run, then the version itself
// (store.Drop). Derived rows go first, so an interrupted drop leaves a
// version with less derived data, which running the pipeline again
// mends, never derived rows without their version. Worklist statuses
// (kept per scope, not per version) survive.
func Drop(ctx context.Context, st *store.Store, version int64) error {
	for _, d := range []struct {
		name string
		drop func(context.Context, *store.Store, int64) error
	}{
		{"alerts", alerts.Drop},
		{"completeness", dse.Drop},
		{"nowcast", nowcast.Drop},
		{"quality", quality.Drop},
		{"linkage", linkage.Drop},
		{CubeStep, cube.Drop},
		{"store", func(ctx context.Context, st *store.Store, v int64) error { return st.Drop(ctx, v) }},
	} {
		if err := d.drop(ctx, st, version); err != nil {
			return fmt.Errorf("drop version %d: %s: %w", version, d.name, err)
		}
	}
	return nil
}
