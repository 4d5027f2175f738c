//go:build !unix

package main

// raiseFileLimit has nothing to raise on this system.
func raiseFileLimit() (uint64, error) { return 0, nil }
