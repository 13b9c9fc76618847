package eboekhouden

import (
	"strings"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

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

// parser collects the first parse error of a record. Its methods parse one
// value each (wire.go) and return the zero value on an error; the record is
// then refused as a whole.
type parser struct {
	err error
}

func (p *parser) keep(err error) {
	if p.err == nil && err != nil {
		p.err = err
	}
}

func (p *parser) long(field, s string) int64 {
	v, err := parseLong(field, s)
	p.keep(err)
	return v
}

func (p *parser) int(field, s string) int {
	v, err := parseInt(field, s)
	p.keep(err)
	return v
}

// flag reads an xs:long 0/1 flag; any other number counts as set [inferred].
func (p *parser) flag(field, s string) bool {
	return p.long(field, s) != 0
}

func (p *parser) bool(field, s string) bool {
	v, err := parseBool(field, s)
	p.keep(err)
	return v
}

func (p *parser) double(field, s string) decimal.Decimal {
	v, err := parseDouble(field, s)
	p.keep(err)
	return v
}

func (p *parser) money(field, s string) decimal.Decimal {
	v, err := parseMoney(field, s)
	p.keep(err)
	return v
}

func (p *parser) decimal(field, s string) decimal.Decimal {
	v, err := parseXSDecimal(field, s)
	p.keep(err)
	return v
}

func (p *parser) dateTime(field, s string) time.Time {
	v, err := parseDateTime(field, s)
	p.keep(err)
	return v
}
