package outsmart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// The sandbox benchmarks at 50,000 relations: the engine's benchmarks must
// measure Koppeling, not the sandbox. Calls go over loopback HTTP like a
// client's:
//
//	go test -run '^$' -bench . -benchmem ./internal/sandbox/outsmart/

// benchSize is the number of generated relations the account holds.
const benchSize = 50_000

// benchBatch is the number of records per POST, the client's batch size.
const benchBatch = 500

// benchServer is a sandbox holding the generated relations on a loopback
// server.
type benchServer struct {
	b     *testing.B
	s     *Server
	srv   *httptest.Server
	query string // the credentials
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	ds := demodata.Generated(benchSize, 0, true)
	bs := &benchServer{b: b, s: New(Options{Dataset: ds.OutSmart})}
	bs.srv = httptest.NewServer(bs.s)
	b.Cleanup(bs.srv.Close)
	bs.query = "?" + url.Values{"token": {ds.OutSmart.Credentials.Token}, "software_token": {ds.OutSmart.Credentials.SoftwareToken}}.Encode()
	return bs
}

// do sends one call and returns the envelope's response, failing on any
// answer but a success.
func (bs *benchServer) do(method, endpoint, extraQuery string, body []byte) []byte {
	req, err := http.NewRequest(method, bs.srv.URL+basePath+"/"+endpoint+"/"+bs.query+extraQuery, bytes.NewReader(body))
	if err != nil {
		bs.b.Fatal(err)
	}
	resp, err := bs.srv.Client().Do(req)
	if err != nil {
		bs.b.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		bs.b.Fatal(err)
	}
	// A success starts like this; decoding the whole envelope would make the
	// client, not the sandbox, the larger part of a 50,000-record answer.
	const okStart = `{"code":200,"messages":[],"response":`
	if !bytes.HasPrefix(raw, []byte(okStart)) || !bytes.HasSuffix(raw, []byte("}")) {
		bs.b.Fatalf("%s %s: %.500s", method, endpoint, raw)
	}
	return raw[len(okStart) : len(raw)-1]
}

// relationsBody is a POST body of benchBatch relations with debtor numbers
// prefix00000.. from first on, as the client sends them.
func relationsBody(prefix string, first, round int) []byte {
	recs := make([]map[string]string, benchBatch)
	for j := range recs {
		n := first + j
		recs[j] = map[string]string{
			"name": fmt.Sprintf("Klant %05d B.V. (%d)", n, round), "debtor_number": fmt.Sprintf("%s%05d", prefix, n),
			"contact": "J. de Boer", "email": fmt.Sprintf("administratie%05d@klant.nl", n),
			"street": "Dorpsstraat", "house_number": fmt.Sprint(1 + n%180), "postal_code": "3511 AB",
			"city": "Utrecht", "country": "NL", "active": "1",
		}
	}
	b, err := json.Marshal(recs)
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkUpsertRelations50k posts batches of 500 relations to an account
// holding 50,000: Update changes existing ones, Insert adds new ones.
func BenchmarkUpsertRelations50k(b *testing.B) {
	for _, insert := range []bool{false, true} {
		name, prefix := "Update", "BR"
		if insert {
			name, prefix = "Insert", "NW"
		}
		b.Run(name, func(b *testing.B) {
			bs := newBenchServer(b)
			bodies := make([][]byte, benchSize/benchBatch)
			for i := range bodies {
				bodies[i] = relationsBody(prefix, i*benchBatch, i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				body := bodies[i%len(bodies)]
				if insert && i >= len(bodies) {
					b.StopTimer()
					body = relationsBody(fmt.Sprintf("N%d", i/len(bodies)), (i%len(bodies))*benchBatch, i)
					b.StartTimer()
				}
				if got := string(bs.do(http.MethodPost, "relations", "", body)); got != fmt.Sprint(benchBatch) {
					b.Fatalf("POST relations answered %s, want %d", got, benchBatch)
				}
			}
		})
	}
}

// BenchmarkGetRelationByDebtor50k reads one relation by debtor number from
// an account of 50,000.
func BenchmarkGetRelationByDebtor50k(b *testing.B) {
	bs := newBenchServer(b)
	filter := "&key=debtor_number&value=BR25000&operator=eq"
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if got := bs.do(http.MethodGet, "relations", filter, nil); bytes.Count(got, []byte(`"debtor_number"`)) != 1 {
			b.Fatalf("GET relations by debtor: %.300s", got)
		}
	}
}

// BenchmarkGetRelationsAll50k reads the whole list of 50,000 relations.
func BenchmarkGetRelationsAll50k(b *testing.B) {
	bs := newBenchServer(b)
	want := len(bs.s.State().Relations)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if got := bs.do(http.MethodGet, "relations", "", nil); bytes.Count(got, []byte(`"debtor_number"`)) != want {
			b.Fatalf("GET relations answered fewer than %d relations", want)
		}
	}
}

// BenchmarkNew50k builds a server from an account of 50,000 relations.
func BenchmarkNew50k(b *testing.B) {
	ds := demodata.Generated(benchSize, 0, true)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if s := New(Options{Dataset: ds.OutSmart}); len(s.state.Relations) < benchSize {
			b.Fatal("relations missing")
		}
	}
}
