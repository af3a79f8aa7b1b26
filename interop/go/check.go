package main

import (
	"fmt"
	"reflect"
	"time"
)

// failure is what the check helpers panic with; main prints its message and exits 1.
type failure struct{ message string }

func failf(format string, args ...any) { panic(&failure{fmt.Sprintf(format, args...)}) }

// that fails with what unless cond holds.
func that(cond bool, format string, args ...any) {
	if !cond {
		failf(format, args...)
	}
}

// equal fails unless want and got are deeply equal.
func equal(want, got any, what string) {
	if !reflect.DeepEqual(want, got) {
		failf("%s: expected %v but was %v", what, want, got)
	}
}

// ok fails on a client error.
func ok(err error, what string) {
	if err != nil {
		failf("%s: %v", what, err)
	}
}

// eventually re-evaluates cond (which itself polls a client) until it holds; the limit turns a hang into a failure.
func eventually(limit time.Duration, what string, cond func() bool, state func() string) {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			failf("timed out after %s waiting for %s; last seen: %s", limit, what, state())
		}
	}
}
