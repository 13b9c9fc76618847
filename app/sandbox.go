package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
	"github.com/koppeling/koppeling/internal/sandbox/ebrest"
)

// runSandbox starts the sandbox servers (e-Boekhouden's SOAP and REST API,
// OutSmart), prints their URLs and the demo credentials, and serves until
// interrupted.
func runSandbox(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("koppeling sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	datasetPath := fs.String("dataset", "", "JSON dataset to load instead of the built-in demo data")
	ebAddr := fs.String("eboekhouden-addr", "127.0.0.1:0", "listen address of the e-Boekhouden sandbox")
	restAddr := fs.String("eboekhouden-rest-addr", "127.0.0.1:0", "listen address of the e-Boekhouden REST API sandbox")
	osAddr := fs.String("outsmart-addr", "127.0.0.1:0", "listen address of the OutSmart sandbox")
	latency := fs.Duration("latency", 0, "delay added to every call, e.g. 200ms")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts := sandbox.Options{EBoekhoudenAddr: *ebAddr, EBoekhoudenRESTAddr: *restAddr, OutSmartAddr: *osAddr, Latency: *latency}
	if *datasetPath != "" {
		ds, err := demodata.Load(*datasetPath)
		if err != nil {
			fmt.Fprintf(stderr, "koppeling sandbox: %v\n", err)
			return 1
		}
		opts.Dataset = ds
	}
	// Listen for Ctrl+C before announcing the URLs, so that an interrupt right
	// after the announcement still stops the servers cleanly.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)

	sb, err := sandbox.Start(opts)
	if err != nil {
		fmt.Fprintf(stderr, "koppeling sandbox: %v\n", err)
		return 1
	}
	printSandbox(stdout, sb)
	select {
	case <-stop:
	case err := <-sb.Done():
		fmt.Fprintf(stderr, "koppeling sandbox: server stopped: %v\n", err)
		_ = sb.Close()
		return 1
	}
	if err := sb.Close(); err != nil {
		fmt.Fprintf(stderr, "koppeling sandbox: shutdown: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "Sandbox stopped.")
	return 0
}

// printSandbox writes what a person needs to point a client at the sandbox.
// The credentials printed are the public demo credentials of the dataset
// and the REST sandbox's demo API token, never a user's own.
func printSandbox(w io.Writer, sb *sandbox.Sandbox) {
	eb, om := sb.Dataset.EBoekhouden, sb.Dataset.OutSmart
	fmt.Fprintf(w, `Koppeling sandbox is running (press Ctrl+C to stop).

e-Boekhouden (SOAP 1.1)
  endpoint             %s
  WSDL                 %s?wsdl
  Gebruikersnaam       %s
  Beveiligingscode 1   %s
  Beveiligingscode 2   %s

OutSmart (OPENApi v8)
  base URL             %s
  Bedrijfs id          %s
  Token                %s
  Software token       %s

e-Boekhouden REST API (v1)
  API URL              %s
  API-token            %s

Inspection (state, requests, faults): <server>/_sandbox/state, /_sandbox/requests, /_sandbox/faults
State as a readable page (for a browser): <server>/_sandbox/stand
`, sb.EBoekhoudenURL, sb.EBoekhoudenURL, eb.Credentials.Username, eb.Credentials.SecurityCode1, eb.Credentials.SecurityCode2,
		sb.OutSmartURL, om.Credentials.CompanyID, om.Credentials.Token, om.Credentials.SoftwareToken,
		sb.EBoekhoudenRESTURL, ebrest.DemoAPIToken)
}
