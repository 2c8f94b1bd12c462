// Package cpuclock reads the CPU time of the running process, for the
// benchmarks that report CPU time next to wall time (on a shared machine
// other processes inflate wall time but not the process's own CPU time).
package cpuclock

import (
	"syscall"
	"time"
)

// Process returns the user plus system CPU time used so far by every
// thread of the process (DuckDB's worker threads included).
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
