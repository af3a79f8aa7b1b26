// Command brook-interop runs one interop scenario with franz-go (kgo, kadm) against a Kafka-protocol broker
// (Brook in the project's tests):
//
//	brook-interop <scenario> <bootstrap>   exit 0: passed, 1: failed, 2: usage
//	brook-interop list                     prints the scenario names
//
// Scenarios live in one file per area (produce.go, groups.go, transactions.go, admin.go; share groups, KIP-932,
// get a file of their own once Brook serves them) and register themselves in init(); each gets a context with
// the bootstrap address and names unique to the run.
package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"sort"
	"time"
)

// Scenario drives the broker and fails through the check helpers.
type Scenario func(s *Run)

var scenarios = map[string]Scenario{}

func register(name string, fn Scenario) {
	if _, dup := scenarios[name]; dup {
		panic("duplicate scenario " + name)
	}
	scenarios[name] = fn
}

// Run is what a scenario gets: the bootstrap address, a context bounded by the scenario timeout, unique names.
type Run struct {
	Bootstrap string
	Ctx       context.Context
	prefix    string
}

// Name returns a topic, group or transactional id unique to this run of this scenario.
func (r *Run) Name(suffix string) string { return r.prefix + "-" + suffix }

// Log prints a progress line (the test shows stdout only when a scenario fails).
func (r *Run) Log(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func main() {
	if len(os.Args) == 2 && os.Args[1] == "list" {
		names := make([]string, 0, len(scenarios))
		for n := range scenarios {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Println(n)
		}
		return
	}
	if len(os.Args) != 3 || scenarios[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: brook-interop <scenario> <bootstrap> | brook-interop list")
		if len(os.Args) > 1 {
			fmt.Fprintf(os.Stderr, "unknown scenario %q\n", os.Args[1])
		}
		os.Exit(2)
	}
	name, bootstrap := os.Args[1], os.Args[2]
	limit := 150 * time.Second
	if v, err := time.ParseDuration(os.Getenv("BROOK_INTEROP_TIMEOUT_S") + "s"); err == nil && v > 0 {
		limit = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	// The watchdog turns a hang (a client call that ignores the context) into a failure.
	go func() {
		<-ctx.Done()
		time.Sleep(5 * time.Second)
		fmt.Fprintf(os.Stderr, "FAIL %s: still running after %s\n", name, limit)
		os.Exit(1)
	}()
	run := &Run{
		Bootstrap: bootstrap,
		Ctx:       ctx,
		prefix:    "go-" + regexp.MustCompile(`[^A-Za-z0-9-]`).ReplaceAllString(name, "-") + fmt.Sprintf("-%x", 0x10000+rand.Intn(0xeffff)),
	}
	if failure := runScenario(scenarios[name], run); failure != "" {
		fmt.Fprintf(os.Stderr, "FAIL %s: %s\n", name, failure)
		os.Exit(1)
	}
	fmt.Printf("PASS %s\n", name)
}

// runScenario turns a check failure (a panic carrying *failure) into its message; other panics propagate.
func runScenario(fn Scenario, run *Run) (message string) {
	defer func() {
		if r := recover(); r != nil {
			if f, ok := r.(*failure); ok {
				message = f.message
				return
			}
			panic(r)
		}
	}()
	fn(run)
	return ""
}
