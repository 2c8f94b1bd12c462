package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestIndicatorsQueryAdjusted: after padis load (whose pipeline runs the
// completeness step), the adjusted indicators are served by the read API
// like any other, naming their version and scope, and the lineage
// explains the adjustment.
func TestIndicatorsQueryAdjusted(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a population")
	}
	for _, k := range []string{"PADIS_KEY", "PADIS_KEY_FILE", "PADIS_DATA", "PADIS_TEMP_DIR", "PADIS_THREADS", "PADIS_MEMORY_LIMIT"} {
		t.Setenv(k, "")
	}
	tmp := t.TempDir()
	snap, data := filepath.Join(tmp, "snap"), filepath.Join(tmp, "data")
	if code, _, errs := runPadis("generate", "--out", snap, "--persons", "20000", "--months", "18", "--as-of", "2025-06-30", "--seed", "4"); code != 0 {
		t.Fatalf("generate: %s", errs)
	}
	if code, out, errs := runPadis("load", "--data", data, "--memory-limit", "2GB", snap); code != 0 || !strings.Contains(out, "completeness") {
		t.Fatalf("load: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := runPadis("indicators", "query", "--data", data, "--indicator", "cdr_adj", "--division", "51", "--period", "2024", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "\uFEFFversion,scope,indicator") || !strings.Contains(out, "\n1,51,cdr_adj,") || !strings.Contains(out, ",51,province,year,2024,,") {
		t.Errorf("query cdr_adj: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runPadis("indicators", "query", "--data", data, "--indicator", "death_reg_completeness", "--division", "51", "--period", "2024", "--lang", "en")
	if code != 0 || !strings.Contains(out, "death registration completeness") || !strings.Contains(out, "sex=2") || !strings.Contains(out, "age=60+") {
		t.Errorf("query death_reg_completeness: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runPadis("indicators", "query", "--data", data, "--indicator", "e0_adj", "--division", "51", "--period", "2024", "--lineage")
	if code != 0 || !strings.Contains(out, `"adjustment"`) || !strings.Contains(out, `"registered": "e0"`) || !strings.Contains(out, `"age_group": "60+"`) {
		t.Errorf("lineage e0_adj: exit %d\n%s\n%s", code, out, errs)
	}
}
