package main

import (
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// gcPercent is serve's GOGC when the environment sets none. The bot allocates a great deal
// per update and keeps little (the content, the session cache), so at Go's 100 it collects
// far more often than its memory needs: 400 costs less CPU per update for a larger but
// bounded heap (BENCHMARKS.md, "The collector's setting").
const gcPercent = 400

// gcLimitShare is the part of a container's memory limit given to GOMEMLIMIT when serve
// raised GOGC itself: with the heap allowed to grow to five times what is live, a small
// container would otherwise be killed for memory where GOGC=100 was not; the rest is for
// what the Go runtime does not count (stacks' slack, the kernel's buffers).
const gcLimitShare = 0.8

// gcSetting is what to set at start-up: 0 leaves the runtime's own.
type gcSetting struct {
	percent int   // debug.SetGCPercent
	limit   int64 // debug.SetMemoryLimit, bytes
}

// chooseGC is serve's collector setting, given the environment and the container's memory
// limit in bytes (0: none known). GOGC and GOMEMLIMIT in the environment always win (the
// runtime has applied them already); a limit is only added to a GOGC serve chose.
func chooseGC(getenv func(string) string, containerLimit int64) gcSetting {
	if getenv("GOGC") != "" {
		return gcSetting{}
	}
	s := gcSetting{percent: gcPercent}
	if getenv("GOMEMLIMIT") == "" && containerLimit > 0 {
		s.limit = int64(float64(containerLimit) * gcLimitShare)
	}
	return s
}

// applyGC sets the collector as chooseGC says, and says so in the log.
func applyGC(log *slog.Logger) {
	s := chooseGC(os.Getenv, containerMemoryLimit())
	if s.percent != 0 {
		debug.SetGCPercent(s.percent)
	}
	if s.limit != 0 {
		debug.SetMemoryLimit(s.limit)
	}
	if s.percent != 0 {
		log.Info("garbage collector", "GOGC", s.percent, "GOMEMLIMIT_bytes", s.limit, "why", "GOGC unset: see BENCHMARKS.md")
	}
}

// containerMemoryLimit is the memory limit of the process's cgroup (v2), or 0.
func containerMemoryLimit() int64 {
	b, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 { // "max": none
		return 0
	}
	return n
}
