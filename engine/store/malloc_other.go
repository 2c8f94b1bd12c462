//go:build !linux

package store

// tuneAllocator does nothing outside Linux (see malloc_linux.go).
func tuneAllocator() {}
