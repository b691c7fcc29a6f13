//go:build !unix

package telegram

// openFileLimit is how many files the process may open: unknown here.
func openFileLimit() uint64 { return 0 }
