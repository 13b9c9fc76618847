package outsmart

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

// The fuzz targets feed arbitrary bytes to the response parsers: none may
// panic, and what they return must be consistent. Seed corpora are in
// testdata/fuzz/<target>/; run one with
//
//	go test -run '^$' -fuzz '^FuzzDecodeWorkOrders$' -fuzztime 30s ./internal/outsmart/

func FuzzParseEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"code":200,"messages":[],"response":[{"id":"1"}]}`,
		`{"code":"1500","messages":null,"response":null}`,
		`{"code":1301,"messages":["Required field missing: name"]}`,
		"\xef\xbb\xbf{\"code\":200,\"response\":{\"0\":{\"a\":1}}}",
		`{"code":200,"response":"x`,
		`<html>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := parseEnvelope(body)
		if err != nil {
			if !errors.Is(err, errNoEnvelope) {
				t.Fatalf("error %v is not errNoEnvelope", err)
			}
			return
		}
		if env.response != nil && !json.Valid(env.response) {
			t.Fatalf("response %q is not valid JSON", env.response)
		}
		recs, err := splitList(env.response)
		if err != nil {
			return
		}
		for _, r := range recs {
			if !json.Valid(r) {
				t.Fatalf("record %q is not valid JSON", r)
			}
		}
	})
}

// checkPartial checks the contract of a list decoder: either everything was
// read, or the readable records come with a PartialError that accounts for
// every record, or nothing comes back.
func checkPartial(t *testing.T, n int, err error) {
	t.Helper()
	if err == nil {
		return
	}
	_ = err.Error()
	var pe *PartialError
	if errors.As(err, &pe) {
		if len(pe.Records) == 0 || n+len(pe.Records) != pe.Total {
			t.Fatalf("%d read + %d unreadable != %d in the answer", n, len(pe.Records), pe.Total)
		}
		for _, r := range pe.Records {
			if r.Err == nil || !errors.Is(r, ErrUnreadable) {
				t.Fatalf("record error %+v", r)
			}
		}
		return
	}
	if n != 0 {
		t.Fatalf("%d records with a non-partial error %v", n, err)
	}
}

func FuzzDecodeWorkOrders(f *testing.F) {
	for _, s := range []string{
		"[" + blueprintWorkOrder + "]",
		blueprintWorkOrder,
		`[{"id":"1","Materials":[{"MaterialNr":"1,5","MaterialPrice":"2,00"}],"Workperiods":[{"BeginTime":"22:00","EndTime":"01:00","Break":"30"}]}]`,
		`{"0":{"id":"1","WorkDate":"31-02-2026"},"7":{"id":"8","Archived":"2"}}`,
		`[{"id":{"x":1}},"string",null,7]`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	c := &Client{}
	f.Fuzz(func(t *testing.T, response []byte) {
		if !json.Valid(response) {
			return // parseEnvelope hands over valid JSON only
		}
		orders, err := decodeList(c, "GET GetWorkorders", response, workOrderCodec)
		checkPartial(t, len(orders), err)
		for _, o := range orders {
			if o.RowID == "" {
				t.Fatal("an order without a row id was read")
			}
			for _, p := range o.WorkPeriods {
				if p.Total < 0 || p.Break < 0 || p.Begin < 0 || p.Begin > 24*time.Hour || p.End > 24*time.Hour {
					t.Fatalf("impossible work period %+v", p)
				}
			}
		}
	})
}

func FuzzDecodeMasterData(f *testing.F) {
	for _, s := range []string{
		`[{"name":"Naam B.V.","debtor_number":"14233Aaa","street":"Beatrixlaan","postal_code":"1234AB","city":"Utrecht","latitude":null,"active":"1"}]`,
		`[{"code":"00001","description":"Omschrijving 1","price":"4,55","unit":"M2"},{"code":"x","price":"1.234,5"}]`,
		`[{"code":"001","name":"Normale uren","cost_booking":"0","sale_booking":"0","sale_price":"50.00","cost_price":"25.00","active":"1"}]`,
		`[{"sta_code":"002","sta_name":"In progress"}]`,
		`[{"firstname":"Jan","lastname":"Klaassen","number":"123","active":"1"}]`,
		`{"0":{"code":1,"active":true},"1":{"code":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	c := &Client{}
	f.Fuzz(func(t *testing.T, response []byte) {
		if !json.Valid(response) {
			return
		}
		rels, err := decodeList(c, "GET relations", response, relationCodec)
		checkPartial(t, len(rels), err)
		mats, err := decodeList(c, "GET materials", response, materialCodec)
		checkPartial(t, len(mats), err)
		hts, err := decodeList(c, "GET hourtypes", response, hourTypeCodec)
		checkPartial(t, len(hts), err)
		sts, err := decodeList(c, "GET workstatusses", response, workStatusCodec)
		checkPartial(t, len(sts), err)
		emps, err := decodeList(c, "GET employees", response, employeeCodec)
		checkPartial(t, len(emps), err)
		// What was read writes back to the same values.
		for _, m := range mats {
			var back materialIn
			b, _ := json.Marshal(materialWire(m))
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if got, _, err := back.material(); err != nil || got != m {
				t.Fatalf("material %+v wrote back as %+v (%v)", m, got, err)
			}
		}
		for _, h := range hts {
			var back hourTypeIn
			b, _ := json.Marshal(hourTypeWire(h))
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if got, _, err := back.hourType(); err != nil || got != h {
				t.Fatalf("hour type %+v wrote back as %+v (%v)", h, got, err)
			}
		}
	})
}

func FuzzScalars(f *testing.F) {
	for _, s := range []string{"4,55", "-0.0001", "1E-05", "11-06-2013", "2013-06-11 02:51", "08:30", "24:00", "30", "00:30", "1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := text(s)
		if fast, ok := fastDecimal(s); ok {
			slow, err := decimal.Parse(s)
			if err != nil || slow != fast {
				t.Fatalf("%q: fast path %s, decimal.Parse %s, %v", s, fast, slow, err)
			}
		}
		if d, err := parseDecimal(v, false); err == nil {
			for _, sep := range []string{",", "."} {
				back, err := parseDecimal(text(wireDecimal(d, sep)), true)
				if err != nil || back != d {
					t.Fatalf("%q: %s wrote as %q, read back %s, %v", s, d, wireDecimal(d, sep), back, err)
				}
			}
		}
		if d, err := parseDate(v); err == nil && !d.IsZero() {
			back, err := parseDate(text(d.Format("02-01-2006")))
			if err != nil || !back.Equal(d) || d.Hour() != 0 {
				t.Fatalf("%q: date %v does not round-trip", s, d)
			}
		}
		if d, err := parseClock(v); err == nil && (d < 0 || d > 24*time.Hour) {
			t.Fatalf("%q: time of day %v", s, d)
		}
		if d, err := parseSpan(v); err == nil && d < 0 {
			t.Fatalf("%q: negative span %v", s, d)
		}
		if d, err := parseBreak(v); err == nil && d < 0 {
			t.Fatalf("%q: negative break %v", s, d)
		}
		if b, err := parseFlag(v); err == nil {
			if _, err := parseFlag(text(flagText(b))); err != nil {
				t.Fatalf("%q: flag %v does not round-trip", s, b)
			}
		}
		_, _ = parseDateTime(v)
		var tx text
		_ = tx.UnmarshalJSON([]byte(s))
	})
}
