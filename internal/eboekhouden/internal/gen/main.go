// Command gen writes the e-Boekhouden client's wire records from the
// embedded WSDL: the text mirror of every record the client reads (cRelatie,
// cArtikel, cFactuurList, cFactuurRegel, cOpenPost, cGrootboekrekening,
// cAdministratie, cError), its fill from
// the client's XML tree, its mapping to the domain type with every value
// parsed, and the response structs of every operation the client calls. What
// the WSDL cannot say (Go names, domain fields, how a value is parsed) is in
// one table, mapping.go: adding an element to a record is one line there.
//
// It runs from the package directory, through the package's go:generate
// line:
//
//	go generate ./internal/eboekhouden/
//
// and writes records_gen.go and responses_gen.go next to eboekhouden.wsdl.
// A test in this package fails when the committed files are not what it
// writes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

func main() {
	wsdlPath := flag.String("wsdl", "eboekhouden.wsdl", "the WSDL to read")
	dir := flag.String("dir", ".", "the directory to write the files to")
	flag.Parse()
	if err := run(*wsdlPath, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(wsdlPath, dir string) error {
	raw, err := os.ReadFile(wsdlPath)
	if err != nil {
		return err
	}
	files, err := generate(raw)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
