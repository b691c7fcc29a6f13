//go:build !unix

package main

import "time"

// processCPU is not known here.
func processCPU() (time.Duration, bool) { return 0, false }

// processMaxRSS is not known here.
func processMaxRSS() (int64, bool) { return 0, false }
