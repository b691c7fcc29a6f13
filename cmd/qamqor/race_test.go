//go:build race

package main

// raceEnabled: this test binary, and so the qamqor processes it runs, has the race
// detector, which takes several times the memory and CPU.
const raceEnabled = true
