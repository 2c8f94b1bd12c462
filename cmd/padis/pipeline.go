package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/padis/padis/engine/pipeline"
	"github.com/padis/padis/engine/store"
)

// runPipeline runs the post-load pipeline of version (cube, then the
// engine post-steps configured by the data directory's files, then hooks),
// printing one line as each step starts and ends and as each phase of the
// cube starts (with the time since the cube started) to w, each prefixed
// with prefix.
func runPipeline(ctx context.Context, st *store.Store, version int64, hooks []pipeline.Step, w io.Writer, prefix string) (*pipeline.Report, error) {
	cfg, err := pipeline.ConfigFromDir(st.Config().Dir)
	if err != nil {
		return nil, err
	}
	var start time.Time
	return pipeline.Run(ctx, st, version, pipeline.Options{Hooks: hooks, Config: cfg, Progress: func(e pipeline.Event) {
		if w == nil {
			return
		}
		if !e.Done && e.Phase == "" {
			start = time.Now()
		}
		tag := fmt.Sprintf("%s[%d/%d] %s", prefix, e.Index, e.Total, e.Step)
		switch {
		case e.Phase != "":
			fmt.Fprintf(w, "%s: %s … (%s)\n", tag, e.Phase, time.Since(start).Round(100*time.Millisecond))
		case !e.Done:
			fmt.Fprintf(w, "%s of version %d …\n", tag, version)
		case e.Err != nil:
			fmt.Fprintf(w, "%s failed after %s: %v\n", tag, e.Duration.Round(time.Millisecond), e.Err)
		case e.Skipped:
			fmt.Fprintf(w, "%s of version %d: already done\n", tag, version)
		default:
			fmt.Fprintf(w, "%s done in %s\n", tag, e.Duration.Round(time.Millisecond))
		}
	}})
}
