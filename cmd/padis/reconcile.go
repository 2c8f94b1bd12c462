package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/padis/padis/engine/exchange"
	"github.com/padis/padis/engine/reconcile"
)

// ReconcileFile is the file of the national data directory that holds the
// latest reconciliation (engine/reconcile.Result as JSON): the worklists
// per province, the feedback rates, the national population without double
// counting and the benefit cost.
const ReconcileFile = "reconciliation.json"

// nationalReconciler is the national node's reconciliation: after each
// accepted package it reconciles the records of every accepted package
// (engine/reconcile) and replaces ReconcileFile atomically.
type nationalReconciler struct {
	dir string
	log *slog.Logger
	now func() time.Time
}

var _ exchange.Reconciler = nationalReconciler{}

// Reconcile runs the reconciliation of recs and keeps its result.
func (n nationalReconciler) Reconcile(ctx context.Context, recs exchange.Records) error {
	now := time.Now
	if n.now != nil {
		now = n.now
	}
	res, err := reconcile.Run(recs.Migrants, recs.Benefits, recs.Deaths, recs.Feedback, now().UTC(), reconcile.Options{})
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(n.dir, ReconcileFile)
	tmp, err := os.CreateTemp(n.dir, ReconcileFile+".*")
	if err != nil {
		return fmt.Errorf("reconciliation: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("reconciliation: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("reconciliation: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("reconciliation: %w", err)
	}
	if n.log != nil {
		n.log.Info("national reconciliation", "items", len(res.Items), "provinces", len(res.Reporting),
			"population_plain", res.Population.PlainSum, "population", res.Population.Corrected)
	}
	return nil
}
