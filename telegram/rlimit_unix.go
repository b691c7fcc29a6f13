//go:build unix

package telegram

import "syscall"

// openFileLimit is how many files the process may open (RLIMIT_NOFILE), 0 when unknown.
func openFileLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0
	}
	return uint64(l.Cur)
}
