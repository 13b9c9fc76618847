package eboekhouden

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// The sandbox benchmarks at 50,000 relations and 50,000 articles: the
// engine's benchmarks must measure Koppeling, not the sandbox. Calls go over
// loopback HTTP like a client's:
//
//	go test -run '^$' -bench . -benchmem ./internal/sandbox/eboekhouden/

// benchSize is the number of generated relations and articles.
const benchSize = 50_000

// benchServer is a sandbox over a generated administration on a loopback
// server, with an open session.
type benchServer struct {
	b   *testing.B
	s   *Server
	srv *httptest.Server
	sid string
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	clock := newClock()
	ds := demodata.Generated(benchSize, benchSize, false)
	bs := &benchServer{b: b, s: New(Options{Dataset: ds.EBoekhouden, Now: clock.Now})}
	bs.srv = httptest.NewServer(bs.s)
	b.Cleanup(bs.srv.Close)
	body := bs.call("OpenSession", "<Username>"+demoUser+"</Username><SecurityCode1>"+demoCode1+"</SecurityCode1><SecurityCode2>"+demoCode2+"</SecurityCode2><Source>bench</Source>")
	_, rest, _ := strings.Cut(string(body), "<SessionID>")
	bs.sid, _, _ = strings.Cut(rest, "</SessionID>")
	if bs.sid == "" {
		b.Fatalf("OpenSession: %s", body)
	}
	return bs
}

// call sends op and fails on anything but HTTP 200 without a business error.
func (bs *benchServer) call(op, inner string) []byte {
	req, err := http.NewRequest(http.MethodPost, bs.srv.URL+Path, strings.NewReader(envelope(op, inner)))
	if err != nil {
		bs.b.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", action(op))
	resp, err := bs.srv.Client().Do(req)
	if err != nil {
		bs.b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		bs.b.Fatal(err)
	}
	// ErrorMsg comes first in every result.
	if resp.StatusCode != http.StatusOK || bytes.Contains(body[:min(len(body), 1000)], []byte("<LastErrorCode>")) {
		bs.b.Fatalf("%s: HTTP %d: %.500s", op, resp.StatusCode, body)
	}
	return body
}

// run calls op b.N times and checks that every answer holds want records
// (counted as occurrences of record).
func (bs *benchServer) run(op, inner, record string, want int) {
	b := bs.b
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		body := bs.call(op, auth(bs.sid)+inner)
		if got := bytes.Count(body, []byte("<"+record+">")); got != want {
			b.Fatalf("%s answered %d records, want %d", op, got, want)
		}
	}
}

// BenchmarkNew50k builds a server from a generated dataset: copy, check,
// normalise, keep the starting state for Reset.
func BenchmarkNew50k(b *testing.B) {
	ds := demodata.Generated(benchSize, benchSize, false)
	clock := newClock()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s := New(Options{Dataset: ds.EBoekhouden, Now: clock.Now})
		if len(s.st.Relations) < benchSize {
			b.Fatal("relations missing")
		}
	}
}

func BenchmarkGetRelaties50k(b *testing.B) {
	bs := newBenchServer(b)
	filter := func(trefwoord, code string) string {
		return fmt.Sprintf("<cFilter><Trefwoord>%s</Trefwoord><Code>%s</Code><ID>0</ID></cFilter>", trefwoord, code)
	}
	cases := []struct {
		name, filter string
		want         int
	}{
		{"Unfiltered", filter("", ""), DefaultResultCap},
		// "49999" is in relation BR49999 only (code, name, contact, e-mail).
		{"TrefwoordFew", filter("49999", ""), 1},
		// "klant" is in every generated relation's name and e-mail.
		{"TrefwoordMany", filter("klant", ""), DefaultResultCap},
		{"Code", filter("", "BR25000"), 1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			bs.b = b
			bs.run("GetRelaties", c.filter, "cRelatie", c.want)
		})
	}
}

func BenchmarkGetArtikelen50k(b *testing.B) {
	bs := newBenchServer(b)
	filter := func(code, desc string) string {
		return fmt.Sprintf("<cFilter><ArtikelID>0</ArtikelID><ArtikelOmschrijving>%s</ArtikelOmschrijving><ArtikelCode>%s</ArtikelCode></cFilter>", desc, code)
	}
	cases := []struct {
		name, filter string
		want         int
	}{
		{"ArtikelCode", filter("BP25000", ""), 1},
		// "33333" is in product BP33333's description only.
		{"OmschrijvingFew", filter("", "33333"), 1},
		// "artikel" is in two of three generated products' descriptions.
		{"OmschrijvingMany", filter("", "artikel"), DefaultResultCap},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			bs.b = b
			bs.run("GetArtikelen", c.filter, "cArtikel", c.want)
		})
	}
}

// BenchmarkAddRelatie50k adds one new relation per call to an administration
// of 50,000.
func BenchmarkAddRelatie50k(b *testing.B) {
	bs := newBenchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		body := bs.call("AddRelatie", auth(bs.sid)+relatieXML(0, fmt.Sprintf("NEW%07d", i), "Nieuwe klant", ""))
		if !bytes.Contains(body, []byte("<Rel_ID>")) {
			b.Fatalf("AddRelatie: %s", body)
		}
	}
}

// BenchmarkUpdateRelatie50k changes one relation per call in an
// administration of 50,000.
func BenchmarkUpdateRelatie50k(b *testing.B) {
	bs := newBenchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		n := i % benchSize
		bs.call("UpdateRelatie", auth(bs.sid)+relatieXML(int64(6_000_000+n), fmt.Sprintf("BR%05d", n), fmt.Sprintf("Klant %05d B.V. (%d)", n, i), ""))
	}
}

// BenchmarkAddFactuur50k adds one automatically numbered, booked invoice per
// call to an administration of 50,000 relations; the invoices accumulate.
func BenchmarkAddFactuur50k(b *testing.B) {
	bs := newBenchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		f := validFactuur()
		f.relatie = fmt.Sprintf("BR%05d", i%benchSize)
		if body := bs.call("AddFactuur", auth(bs.sid)+f.xml()); !bytes.Contains(body, []byte("<Factuurnummer>")) {
			b.Fatalf("AddFactuur: %s", body)
		}
	}
}

// BenchmarkTrefwoordSweep50k reads every relation of an administration of
// 50,000 the way a client must without paging: the unfiltered list, then by
// search term, one character at a time, refining a term whose answer is cut
// off at the cap with a second and third character. Only the calls are
// timed; reading the IDs out of the answers is not.
func BenchmarkTrefwoordSweep50k(b *testing.B) {
	bs := newBenchServer(b)
	idPattern := regexp.MustCompile(`<ID>([0-9]+)</ID>`)
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	calls, found := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		seen := map[string]bool{}
		read := func(trefwoord string) int {
			body := bs.call("GetRelaties", auth(bs.sid)+"<cFilter><Trefwoord>"+trefwoord+"</Trefwoord><ID>0</ID></cFilter>")
			calls++
			b.StopTimer()
			defer b.StartTimer()
			ids := idPattern.FindAllSubmatch(body, -1)
			for _, m := range ids {
				seen[string(m[1])] = true
			}
			return len(ids)
		}
		terms := []string{}
		if read("") >= DefaultResultCap {
			for _, c := range alphabet {
				terms = append(terms, string(c))
			}
		}
		for len(terms) > 0 {
			term := terms[0]
			terms = terms[1:]
			if read(term) >= DefaultResultCap && len(term) < 3 {
				for _, c := range alphabet {
					terms = append(terms, term+string(c))
				}
			}
		}
		found = len(seen)
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(found), "relations-found")
}
