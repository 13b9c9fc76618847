package eboekhouden

import "strings"

// This file owns what the generated records (records_gen.go, written from
// the WSDL by internal/gen with the mapping in internal/gen/mapping.go)
// call: the xsi:nil test of a list entry and the parser that turns a
// record's texts into typed values, keeping the first error. To read a new
// element of a record, add its line to the mapping and run go generate.

//go:generate go run ./internal/gen

// isNil reports an xsi:nil="true" list entry, which is skipped.
func isNil(attr string) bool {
	a := strings.TrimSpace(attr)
	return a == "true" || a == "1"
}

// parser collects the first parse error of a record: each value goes
// through parsed, which keeps the error and returns the zero value on one;
// the record is then refused as a whole.
type parser struct {
	err error
}

func (p *parser) keep(err error) {
	if p.err == nil && err != nil {
		p.err = err
	}
}

// parsed returns what parse (wire.go) reads from the element's text s,
// keeping its error in p.
func parsed[T any](p *parser, parse func(field, s string) (T, error), field, s string) T {
	v, err := parse(field, s)
	p.keep(err)
	return v
}

// parseFlag reads an xs:long 0/1 flag; any other number counts as set
// [inferred].
func parseFlag(field, s string) (bool, error) {
	n, err := parseLong(field, s)
	return n != 0, err
}
