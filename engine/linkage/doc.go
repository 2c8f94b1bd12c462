// Package linkage compares a snapshot's persons with its cross-checking
// sources (police household register, medical birth certificates, death
// records), finds duplicate cards, and keeps the resulting worklists for
// verification in the field (不同来源数据比对, 重卡, 漏管, 漏报, 死亡未销户).
//
// Run links a version set-wise in DuckDB and writes its items into the
// store's schema linkage, keyed by version; item ids are derived from the
// pseudonyms and record keys of the real case, so that an item keeps its id
// (and its verification status) across versions. Service lists items
// masked, exports them as CSV, records status updates and reveals an
// item's identity through pii.Revealer (audited). See docs/quality.md,
// "Linkage and worklists".
package linkage
