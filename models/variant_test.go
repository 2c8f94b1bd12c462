package models

import "testing"

// TestLeadVariant checks that the adjusted variant leads over the
// small-area estimate, a plain indicator has none, a variant has none of
// its own, and the completeness indicator follows the base's events.
func TestLeadVariant(t *testing.T) {
	// The built-in catalog without its variants and completeness figures,
	// to which the test adds its own.
	c := DefaultCatalog().Filter(func(ind Indicator) bool {
		return ind.Variant == "" && ind.ID != "death_reg_completeness" && ind.ID != "birth_reg_completeness"
	})
	if _, ok := c.LeadVariant("cdr"); ok {
		t.Fatal("the filtered catalog has a variant of cdr")
	}
	for _, ind := range []Indicator{
		{ID: "cdr_sae", ZH: "死亡率（小区域估计）", EN: "CDR (SAE)", Kind: KindStored, Base: "cdr", Variant: VariantSAE},
		{ID: "cdr_adj", ZH: "死亡率（调整后）", EN: "CDR (adjusted)", Kind: KindStored, Base: "cdr", Variant: VariantAdjusted},
		{ID: "tfr_sae", ZH: "总和生育率（小区域估计）", EN: "TFR (SAE)", Kind: KindStored, Base: "tfr", Variant: VariantSAE},
		{ID: "death_reg_completeness", ZH: "死亡登记完整率", EN: "death registration completeness", Kind: KindStored},
	} {
		if err := c.Add(ind); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string]string{"cdr": "cdr_adj", "tfr": "tfr_sae", "cbr": "", "cdr_adj": ""} {
		v, ok := c.LeadVariant(id)
		if v.ID != want || ok != (want != "") {
			t.Errorf("LeadVariant(%s) = %q %v, want %q", id, v.ID, ok, want)
		}
	}
	cdr, _ := c.Get("cdr")
	tfr, _ := c.Get("tfr")
	if got := c.CompletenessOf(cdr); got != "death_reg_completeness" {
		t.Errorf("CompletenessOf(cdr) = %q", got)
	}
	if got := c.CompletenessOf(tfr); got != "" {
		t.Errorf("CompletenessOf(tfr) = %q: the catalog has no birth_reg_completeness", got)
	}
}

// TestDefaultVariants checks the built-in catalog's variants: the adjusted
// one leads where both exist, the small-area estimate where it is alone.
func TestDefaultVariants(t *testing.T) {
	c := DefaultCatalog()
	for id, want := range map[string]string{"cdr": "cdr_adj", "tfr": "tfr_adj", "imr": "imr_adj", "srb": "srb_sae", "e0": "e0_adj", "population": ""} {
		v, ok := c.LeadVariant(id)
		if v.ID != want || ok != (want != "") {
			t.Errorf("LeadVariant(%s) = %q %v, want %q", id, v.ID, ok, want)
		}
	}
}
