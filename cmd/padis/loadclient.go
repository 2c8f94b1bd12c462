package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/padis/padis/dashboards"
	"github.com/padis/padis/engine/load"
	"github.com/padis/padis/engine/pipeline"
)

// submitOptions are the padis load flags that matter for a load through
// the server.
type submitOptions struct {
	NoPipeline, Quiet, JSON, Report bool
	// MaxQuarantine and Force are passed on to the server's loader (the
	// local admin token may use them; the server audits them).
	MaxQuarantine float64
	Force         bool
	// Poll is how often the job is asked for (default 250 ms).
	Poll time.Duration
}

// submitLoad hands the load of snapshot dir to the padis serve that holds
// the store in dataDir (openErr is why the store could not be opened),
// follows its progress and prints the result like a local load.
func submitLoad(ctx context.Context, dataDir, dir string, o submitOptions, openErr error, stdout, stderr io.Writer) error {
	si, err := readServerInfo(dataDir)
	if err != nil {
		return fmt.Errorf("%w (and no running padis serve to hand the load to: %v)", openErr, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if !o.Quiet && !o.JSON {
		fmt.Fprintf(stderr, "padis: the store is held by padis serve (pid %d, %s): the server loads %s\n", si.PID, si.URL, abs)
	}
	pl := !o.NoPipeline
	body, _ := json.Marshal(dashboards.LoadRequest{Dir: abs, Pipeline: &pl, MaxQuarantine: o.MaxQuarantine, Force: o.Force})
	var job dashboards.LoadJob
	if err := serverCall(ctx, si, http.MethodPost, "/api/v1/admin/loads", body, &job); err != nil {
		return err
	}
	term := !o.Quiet && isTerminal(stderr)
	lastMsg, lastPrint := "", time.Time{}
	for job.State == dashboards.LoadRunning {
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped following load %s; the server goes on with it (GET %s/api/v1/admin/loads/%s)", job.ID, si.URL, job.ID)
		case <-time.After(o.Poll):
		}
		if err := serverCall(ctx, si, http.MethodGet, "/api/v1/admin/loads/"+job.ID, nil, &job); err != nil {
			return err
		}
		switch {
		case o.Quiet || o.JSON || job.Message == lastMsg:
		case term:
			fmt.Fprintf(stderr, "\r\033[K%5.1f%%  %s", 100*job.Fraction, job.Message)
		case time.Since(lastPrint) >= 5*time.Second || job.Phase != "read":
			fmt.Fprintf(stderr, "padis: %5.1f%%  %s\n", 100*job.Fraction, job.Message)
			lastPrint = time.Now()
		}
		lastMsg = job.Message
	}
	if term {
		fmt.Fprint(stderr, "\r\033[K")
	}
	var rep *load.Report
	if len(job.Load) > 0 {
		rep = new(load.Report)
		if err := json.Unmarshal(job.Load, rep); err != nil {
			return fmt.Errorf("load report from the server: %w", err)
		}
	}
	var prep *pipeline.Report
	if len(job.Pipeline) > 0 && string(job.Pipeline) != "null" {
		prep = new(pipeline.Report)
		if err := json.Unmarshal(job.Pipeline, prep); err != nil {
			return fmt.Errorf("pipeline report from the server: %w", err)
		}
	}
	switch {
	case o.JSON && rep != nil:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(loadOutcome{Report: rep, Pipeline: prep}); err != nil {
			return err
		}
	case o.Quiet || rep == nil:
	default:
		printLoadSummary(stdout, rep)
		if o.Report {
			printLoadReport(stdout, rep)
		}
		if prep != nil {
			for i, s := range prep.Steps {
				line := fmt.Sprintf("[%d/%d] %s done in %s", i+1, len(prep.Steps), s.Name, s.Duration.Round(time.Millisecond))
				switch {
				case s.Error != "":
					line = fmt.Sprintf("[%d/%d] %s failed: %s", i+1, len(prep.Steps), s.Name, s.Error)
				case s.Skipped:
					line = fmt.Sprintf("[%d/%d] %s: already done", i+1, len(prep.Steps), s.Name)
				}
				fmt.Fprintln(stdout, line)
			}
		}
	}
	if job.State != dashboards.LoadDone {
		return fmt.Errorf("%w: %s", errServerLoad, job.Error)
	}
	return nil
}

// serverCall sends one authenticated admin API request and decodes the
// JSON answer into out.
func serverCall(ctx context.Context, si serverInfo, method, path string, body []byte, out any) error {
	rq, err := http.NewRequestWithContext(ctx, method, si.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	rq.Header.Set("Authorization", "Bearer "+si.Token)
	if body != nil {
		rq.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		return fmt.Errorf("padis serve at %s: %w", si.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("padis serve at %s: %w", si.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = resp.Status
		}
		return fmt.Errorf("padis serve at %s: %s %s: %s", si.URL, method, path, e.Error)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("padis serve at %s: %s %s: %w", si.URL, method, path, err)
	}
	return nil
}
