// Command koppeling links e-Boekhouden.nl with OutSmart. This package is the
// composition root: it parses the command line and wires the internal
// packages together; it holds no logic of its own.
//
//	koppeling sandbox [flags]   run both sandbox servers with the demo dataset
//	koppeling version           print version, commit and build date
package main

import (
	"fmt"
	"io"
	"os"
)

// Set by the Makefile through -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "sandbox":
		return runSandbox(args, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "koppeling %s (commit %s, built %s)\n", version, commit, date)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		if cmd == "" {
			usage(stderr)
		} else {
			fmt.Fprintf(stderr, "koppeling: unknown command %q\n\n", cmd)
			usage(stderr)
		}
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage:
  koppeling sandbox [flags]   run the e-Boekhouden and OutSmart sandbox servers with demo data
  koppeling version           print version, commit and build date

Run "koppeling sandbox -h" for the sandbox flags.
`)
}
