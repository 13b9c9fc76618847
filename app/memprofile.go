package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// envMemProfile names a file for a heap profile of the desktop app, written
// when it ends (SIGTERM or Afsluiten), after a garbage collection: its
// inuse_space is what the running app held, its alloc_space everything
// allocated since start, the start-up included. packaging/memory/measure.sh
// uses it; `go tool pprof -top` reads it.
const envMemProfile = "KOPPELING_MEMPROFILE"

// writeMemProfile writes the heap profile that envMemProfile asks for, if any.
func writeMemProfile(e env) {
	path := e.getenv(envMemProfile)
	if path == "" {
		return
	}
	runtime.GC()
	f, err := os.Create(path)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "koppeling: write the heap profile: %v\n", err)
	}
}
