package store

/*
#include <malloc.h>
*/
import "C"

import "sync"

// C allocator settings (glibc's mallopt), applied once per process by
// Open. DuckDB allocates and frees its blocks, hash tables and
// compression buffers (each FSST symbol table alone is over 100 kB) with
// the C allocator. By default glibc serves such sizes with fresh mmap'd
// pages and gives freed memory back to the kernel as soon as the top of a
// heap is 128 kB free, so the next allocation faults the pages in and the
// kernel zeroes them again: a 10 M-person load spent 22–35 s of system
// time, most of it zeroing pages (clear_page_erms in perf), against 7 s
// for DuckDB's own CREATE TABLE AS in the same process. A fixed mmap
// threshold of 32 MB (glibc's largest) and a trim threshold of 1 GB keep
// freed memory in the heaps for reuse; the allocator still returns it
// beyond that, and DuckDB's memory_limit still bounds its buffer pool.
// The setting is process-wide, so padis bench load's DuckDB baseline runs
// with it too.
const (
	mallocMmapThreshold = 32 << 20
	mallocTrimThreshold = 1 << 30
)

var tuneAllocator = sync.OnceFunc(func() {
	C.mallopt(C.M_MMAP_THRESHOLD, C.int(mallocMmapThreshold))
	C.mallopt(C.M_TRIM_THRESHOLD, C.int(mallocTrimThreshold))
})
