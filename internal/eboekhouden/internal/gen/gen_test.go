package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pkgDir is the client package, where the WSDL and the generated files are.
const pkgDir = "../.."

func readWSDL(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(pkgDir, "eboekhouden.wsdl"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestGeneratedFilesAreCurrent regenerates in memory and compares with the
// committed files byte for byte: a change to the mapping, the WSDL or the
// generator must come with its go generate.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := generate(readWSDL(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(pkgDir, name))
		if err != nil {
			t.Fatalf("%v (run go generate ./internal/eboekhouden/)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the generator writes (run go generate ./internal/eboekhouden/); first difference at line %d", name, firstDiffLine(got, want))
		}
	}
	// No generated file the generator no longer writes.
	committed, err := filepath.Glob(filepath.Join(pkgDir, "*_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range committed {
		if _, ok := files[filepath.Base(path)]; !ok {
			t.Errorf("%s is not written by the generator: remove it", path)
		}
	}
	if len(files) != 2 {
		t.Errorf("the generator writes %d files, want records_gen.go and responses_gen.go", len(files))
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func TestGeneratedFilesAreMarked(t *testing.T) {
	files, err := generate(readWSDL(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		// The form go vet, gopls and linters recognise.
		first, _, _ := strings.Cut(string(src), "\n")
		if !strings.HasPrefix(first, "// Code generated ") || !strings.HasSuffix(first, " DO NOT EDIT.") {
			t.Errorf("%s starts with %q", name, first)
		}
	}
}

// cloneRecords copies the mapping so that a test can change it.
func cloneRecords() []recordMap {
	out := slices.Clone(records)
	for i := range out {
		out[i].Fields = slices.Clone(out[i].Fields)
	}
	return out
}

// addElement adds an element declaration to the end of a record of the WSDL.
func addElement(t *testing.T, wsdl []byte, record, element string) []byte {
	t.Helper()
	start := bytes.Index(wsdl, []byte(`<s:complexType name="`+record+`">`))
	if start < 0 {
		t.Fatalf("no %s in the WSDL", record)
	}
	end := start + bytes.Index(wsdl[start:], []byte("</s:sequence>"))
	out := slices.Clone(wsdl[:end])
	out = append(out, []byte(element)...)
	return append(out, wsdl[end:]...)
}

func recordIndex(recs []recordMap, xsd string) int {
	return slices.IndexFunc(recs, func(r recordMap) bool { return r.XSD == xsd })
}

func TestMappingAndWSDLCannotDrift(t *testing.T) {
	wsdl := readWSDL(t)
	cases := []struct {
		name string
		wsdl []byte
		edit func(recs []recordMap, ops []operationMap)
		want string
	}{
		{
			name: "a new element without a line",
			wsdl: addElement(t, wsdl, "cOpenPost", `<s:element minOccurs="0" maxOccurs="1" name="Omschrijving" type="s:string" />`),
			want: "cOpenPost: element Omschrijving (string) has no line in the mapping",
		},
		{
			name: "a line without an element",
			edit: func(recs []recordMap, _ []operationMap) {
				k := recordIndex(recs, "cOpenPost")
				recs[k].Fields = append(recs[k].Fields, fieldMap{Element: "Vervaldatum", To: "DueDate", Parse: "parseDateTime"})
			},
			want: "cOpenPost: the mapping has a line for Vervaldatum, which the WSDL does not declare",
		},
		{
			name: "a parser for another XSD type",
			edit: func(recs []recordMap, _ []operationMap) {
				k := recordIndex(recs, "cRelatie")
				recs[k].Fields[0].Parse = "parseMoney" // ID is an xs:long
			},
			want: `cRelatie: element ID: parser "parseMoney" does not read an xs:long`,
		},
		{
			name: "a number copied as text",
			edit: func(recs []recordMap, _ []operationMap) {
				k := recordIndex(recs, "cArtikel")
				recs[k].Fields[0].Parse = ""
			},
			want: "cArtikel: element ArtikelID: an xs:long is copied as text: give it a Parse",
		},
		{
			name: "an unknown parser",
			edit: func(recs []recordMap, _ []operationMap) {
				k := recordIndex(recs, "cOpenPost")
				recs[k].Fields[4].Parse = "euro"
			},
			want: `cOpenPost: element Bedrag: no parser "euro"`,
		},
		{
			name: "a list whose items are not mapped",
			edit: func(recs []recordMap, _ []operationMap) {
				k := recordIndex(recs, "cFactuurRegel")
				recs[k].Domain, recs[k].Method = "", ""
				for i := range recs[k].Fields {
					recs[k].Fields[i].To, recs[k].Fields[i].Parse = "", ""
				}
			},
			want: "cFactuurList: element Regels: its items (cFactuurRegel) are not mapped to a domain type",
		},
		{
			name: "a result element without a name",
			edit: func(_ []recordMap, ops []operationMap) {
				ops[0].Fields = map[string]string{}
			},
			want: "OpenSessionResponse: element SessionID has no name in the mapping",
		},
		{
			name: "an operation the WSDL does not have",
			edit: func(_ []recordMap, ops []operationMap) {
				ops[1].Op = "CloseSessie"
			},
			want: "CloseSessieResponse: not in the WSDL",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, ops := cloneRecords(), slices.Clone(operations)
			if c.edit != nil {
				c.edit(recs, ops)
			}
			raw := wsdl
			if c.wsdl != nil {
				raw = c.wsdl
			}
			_, err := generateWith(raw, recs, ops)
			if err == nil || err.Error() != c.want {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestAddingAFieldIsOneLine adds an element to the WSDL's cOpenPost and one
// line to the mapping: the struct field, its fill and its typed parse in the
// domain mapping all follow.
func TestAddingAFieldIsOneLine(t *testing.T) {
	wsdl := addElement(t, readWSDL(t), "cOpenPost", `<s:element minOccurs="1" maxOccurs="1" name="Vervaldatum" type="s:dateTime" />`)
	recs := cloneRecords()
	k := recordIndex(recs, "cOpenPost")
	recs[k].Fields = append(recs[k].Fields, fieldMap{Element: "Vervaldatum", To: "DueDate", Parse: "parseDateTime"})
	files, err := generateWith(wsdl, recs, operations)
	if err != nil {
		t.Fatal(err)
	}
	src := string(files[recordsFile])
	for _, want := range []string{
		"Vervaldatum string `xml:\"Vervaldatum\"`",
		`"MutDatum", "MutFactuur", "RelCode", "RelBedrijf", "Bedrag", "Voldaan", "Openstaand", "Vervaldatum",`,
		`&w.Vervaldatum,`,
		`DueDate:         parsed(&p, parseDateTime, "Vervaldatum", w.Vervaldatum),`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the generated records lack %q", want)
		}
	}
	// The other records and the answers are unchanged.
	current, err := generate(readWSDL(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files[responsesFile], current[responsesFile]) {
		t.Error("a new cOpenPost element changed the responses file")
	}
	if !strings.Contains(string(current[recordsFile]), "type wireRelation struct") || !strings.Contains(src, strings.SplitAfter(string(current[recordsFile]), "// wireOpenPost is")[0]) {
		t.Error("a new cOpenPost element changed the records before cOpenPost")
	}
}
