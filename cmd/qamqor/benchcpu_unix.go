//go:build unix

package main

import (
	"runtime"
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, user and system, all threads.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// processMaxRSS is the most memory the process has had resident, in bytes.
func processMaxRSS() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss), true // bytes there, kilobytes elsewhere
	}
	return int64(ru.Maxrss) * 1024, true
}
