package eboekhouden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/decimal"
)

// The fuzz targets feed arbitrary bytes to everything that reads an answer.
// They must never panic; where encoding/xml also accepts the input, the
// reader must agree with it. Seeds live in testdata/fuzz/<target>/ and are
// rewritten by TestFuzzSeedCorpus with -update.
//
//	go test -run '^$' -fuzz FuzzDecodeAnswer -fuzztime 30s ./internal/eboekhouden/

func FuzzDecodeAnswer(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte, opIndex byte) {
		op := allOps[int(opIndex)%len(allOps)]
		out := newResponse(op)
		if err := decodeAnswer(op, raw, out); err == nil {
			_ = out.present()
			_ = out.errorMsg().failed()
			switch r := out.(type) {
			case *getRelatiesResponse:
				_, _ = r.relations()
			case *getArtikelenResponse:
				_, _ = r.products()
			case *getFacturenResponse:
				_, _ = r.invoices()
			case *getOpenPostenResponse:
				_, _ = r.openItems()
			case *addRelatieResponse:
				if r.Result != nil {
					_, _ = parseLong("Rel_ID", r.Result.RelID)
				}
			}
		}
		compareWithStd(t, op, raw)
	})
}

func FuzzParseFault(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		fault := parseFault(raw)
		if fault != nil && fault.Code == "" {
			t.Fatalf("a fault without a code: %q", raw)
		}
		if fault != nil {
			_ = (&FaultError{Code: fault.Code}).Refused()
		}
	})
}

func FuzzParseValues(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseLong("f", s)
		_, _ = parseBool("f", s)
		_, _ = parseDateTime("f", s)
		if d, err := parseDouble("f", s); err == nil {
			// A double the reader accepts rounds to cents without error.
			m, err := parseMoney("f", s)
			if err != nil {
				t.Fatalf("parseDouble(%q) = %s but parseMoney fails: %v", s, d, err)
			}
			if m.RoundCents() != m {
				t.Fatalf("parseMoney(%q) = %s has more than two decimals", s, m)
			}
			// Rounding to cents from the text and from four decimals differ
			// by at most one cent (the double-rounding case).
			if diff := m.Sub(d.RoundCents()); diff.Cmp(decimal.MustParse("0.01")) > 0 || diff.Cmp(decimal.MustParse("-0.01")) < 0 {
				t.Fatalf("parseMoney(%q) = %s, four-decimal value %s", s, m, d)
			}
		}
		if d, err := parseXSDecimal("f", s); err == nil {
			back, err := decimal.Parse(d.String())
			if err != nil || !back.Equal(d) {
				t.Fatalf("parseXSDecimal(%q) = %s does not round-trip: %v", s, d, err)
			}
		}
	})
}

// seedCorpus is the committed seed corpus: the reference answers, their
// variations and their broken forms.
func seedCorpus() map[string][]string {
	answers := map[string][]byte{
		opGetRelaties: sampleGetRelaties, opGetArtikelen: sampleGetArtikelen, opGetFacturen: sampleGetFacturen,
		opGetOpenPosten: sampleGetOpenPosten, opAddRelatie: sampleAddRelatieError, opOpenSession: sampleOpenSession,
		opUpdateRelatie: sampleUpdateRelatieOK, opAddFactuur: sampleAddFactuur, opCloseSession: sampleCloseSession,
	}
	decode := map[string][]string{}
	for i, op := range allOps {
		raw := answers[op]
		b := byte(i)
		decode[strings.ToLower(op)] = []string{fmt.Sprintf("[]byte(%q)", raw), fmt.Sprintf("byte(%q)", b)}
		decode[strings.ToLower(op)+"-truncated"] = []string{fmt.Sprintf("[]byte(%q)", raw[:len(raw)*2/3]), fmt.Sprintf("byte(%q)", b)}
		decode[strings.ToLower(op)+"-fault"] = []string{fmt.Sprintf("[]byte(%q)", sampleFault), fmt.Sprintf("byte(%q)", b)}
	}
	relaties2 := string(relatiesEnvelope(2))
	decode["getrelaties-two-compact"] = []string{fmt.Sprintf("[]byte(%q)", relaties2), "byte('\\x02')"}
	decode["getrelaties-nil-cdata-entities"] = []string{fmt.Sprintf("[]byte(%q)", strings.NewReplacer(
		"<Relaties>", `<Relaties><cRelatie xsi:nil="true" />`,
		"<Code>K0001</Code>", "<Code><![CDATA[K0&1]]></Code><!-- x -->",
		"Voorbeeld B.V.", "Caf&#xE9; &amp; Zn",
	).Replace(string(sampleGetRelaties))), "byte('\\x02')"}
	decode["getfacturen-bad-amount"] = []string{fmt.Sprintf("[]byte(%q)", strings.Replace(string(sampleGetFacturen), "975.5", "INF", 1)), "byte('\\a')"}
	// Answers the WSDL does not describe: refused, never read as empty.
	decode["getfacturen-renamed-item"] = []string{fmt.Sprintf("[]byte(%q)", strings.ReplaceAll(string(sampleGetFacturen), "cFactuurList>", "cFactuur>")), "byte('\\a')"}
	decode["getrelaties-unknown-field"] = []string{fmt.Sprintf("[]byte(%q)", strings.Replace(string(sampleGetRelaties), "<BP>", "<Mobiel>06</Mobiel><BP>", 1)), "byte('\\x02')"}

	faults := map[string][]string{
		"client":    {fmt.Sprintf("[]byte(%q)", sampleFault)},
		"server":    {fmt.Sprintf("[]byte(%q)", faultBody("soap:Server", "Server was unable to process request. ---&gt; x"))},
		"html":      {fmt.Sprintf("[]byte(%q)", "<html><body><h1>502 Bad Gateway</h1></body></html>")},
		"truncated": {fmt.Sprintf("[]byte(%q)", sampleFault[:len(sampleFault)/2])},
	}
	values := map[string][]string{}
	for i, v := range []string{"975.5", "0.30000000000000004", "1E-05", "-12.344999", "INF", "NaN", "42.0000", ".5", "2024-01-15T00:00:00", "2024-01-15T13:45:10.1234567+01:00", "true", "9223372036854775807", "1e400", ""} {
		values[fmt.Sprintf("value-%02d", i)] = []string{fmt.Sprintf("string(%q)", v)}
	}
	out := map[string][]string{}
	for target, seeds := range map[string]map[string][]string{"FuzzDecodeAnswer": decode, "FuzzParseFault": faults, "FuzzParseValues": values} {
		for name, lines := range seeds {
			out[filepath.Join(target, name)] = lines
		}
	}
	return out
}

func TestFuzzSeedCorpus(t *testing.T) {
	for path, lines := range seedCorpus() {
		file := filepath.Join("testdata", "fuzz", path)
		content := "go test fuzz v1\n" + strings.Join(lines, "\n") + "\n"
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -run FuzzSeedCorpus -update)", err)
		}
		if string(got) != content {
			t.Errorf("%s is out of date (run go test -run FuzzSeedCorpus -update)", file)
		}
	}
}
