package outsmart

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Blueprint request and response examples, verbatim.
const (
	bpRelationsPost        = `[{"name":"Naam B.V.","debtor_number":"14233Aaa","contact":"Dhr. Piet Klaassen","phone_number":"0761625345","email":"vb@example.nl","email_workorder":"vb@example.nl","street":"Beatrixlaan","house_number":"132","postal_code":"1234AB","city":"Utrecht","remark":"Let op met parkeren hier."},{"name":"Naam2 BV","debtor_number":"152346","contact":"Dhr. Example","phone_number":"0761654637","email":"vb@example2.nl","email_workorder":"vb@example2.nl","street":"Clauslaan","house_number":"54","postal_code":"1234AX","city":"Amsterdam","remark":"Let op met parkeren hier."}]`
	bpRelationsMissingName = `[{"debtor_number":"14233Aaa","contact":"Dhr. Piet Klaassen","phone_number":"0761625345","email":"vb@example.nl","email_workorder":"vb@example.nl","street":"Beatrixlaan","house_number":"132","postal_code":"1234AB","city":"Utrecht","remark":"Let op met parkeren hier."},{"name":"Naam2 BV","debtor_number":"152346","contact":"Dhr. Example","phone_number":"0761654637","email":"vb@example2.nl","email_workorder":"vb@example2.nl","street":"Clauslaan","house_number":"54","postal_code":"1234AX","city":"Amsterdam","remark":"Let op met parkeren hier."}]`
	bpRelationsUnparsable  = `[{"name"":"Naam B.V.","debtor_number":"14233Aaa","contact":"Dhr. Piet Klaassen","phone_number":"0761625345","email":"vb@example.nl","email_workorder":"vb@example.nl","street":"Beatrixlaan","house_number":"132","postal_code":"1234AB","city":"Utrecht","remark":"Let op met parkeren hier."},{"name":"Naam2 BV","debtor_number":"152346","contact":"Dhr. Example","phone_number":"0761654637","email":"vb@example2.nl","email_workorder":"vb@example2.nl","street":"Clauslaan","house_number":"54","postal_code":"1234AX","city":"Amsterdam","remark":"Let op met parkeren hier."}]`
	bpRelationsGet         = `[{"name":"Naam B.V.","debtor_number":"14233Aaa","contact":"Dhr. Piet Klaassen","phone_number":"0761625345","email":"vb@example.nl","email_workorder":"vb@example.nl","street":"Beatrixlaan","house_number":"132","postal_code":"1234AB","city":"Utrecht","remark":"Let op met parkeren hier.","latitude":null,"longitude":null},{"name":"Naam2 BV","debtor_number":"152346","contact":"Dhr. Example","phone_number":"0761654637","email":"vb@example2.nl","email_workorder":"vb@example2.nl","street":"Clauslaan","house_number":"54","postal_code":"1234AX","city":"Amsterdam","remark":"Let op met parkeren hier.","latitude":null,"longitude":null}]`

	bpMaterialsPost        = `[{"code":"00001","description":"Omschrijving 1","price":"4,55","unit":"M2","eancode":"","barcode":"","freefield1":"","freefield2":"","freefield3":"","freefield4":"","freefield5":""},{"code":"00012","description":"Omschrijving 2","price":"2,50","unit":"M2"}]`
	bpMaterialsMissingCode = `[{"description":"Omschrijving 1","price":"4,55","unit":"M2"},{"code":"00012","description":"Omschrijving 2","price":"2,50","unit":"M2"}]`
	bpMaterialsUnparsable  = `[{"code"":"00001","description":"Omschrijving 1","price":"4,55","unit":"M2"},{"code":"00012","description":"Omschrijving 2","price":"2,50","unit":"M2"}]`
	bpMaterialsGet         = `[{"code":"00001","description":"Omschrijving 1","price":"4,55","unit":"M2"},{"code":"00012","description":"Omschrijving 2","price":"2,50","unit":"M2"}]`

	bpHourtypesPost        = `[{"code":"001","name":"Normale uren","cost_booking":"0","sale_booking":"0","sale_price":"50.00","cost_price":"25.00","active":"1"},{"code":"ZK","name":"Ziekte","cost_booking":"1","sale_booking":"1","sale_price":"0.00","cost_price":"0.00","active":"1"}]`
	bpHourtypesMissingCode = `[{"name":"Normale uren","cost_booking":"0","sale_booking":"0","sale_price":"50.00","cost_price":"25.00","active":"1"},{"code":"ZK","name":"Ziekte","cost_booking":"1","sale_booking":"1","sale_price":"0.00","cost_price":"0.00","active":"1"}]`
	bpHourtypesUnparsable  = `[{"code"":"001","name":"Normale uren","cost_booking":"0","sale_booking":"0","sale_price":"50.00","cost_price":"25.00","active":"1"},{"code":"ZK","name":"Ziekte","cost_booking":"1","sale_booking":"1","sale_price":"0.00","cost_price":"0.00","active":"1"}]`
	bpHourtypesGet         = `[{"code":"001","name":"Normale uren","cost_booking":"0","sale_booking":"0","sale_price":"50.00","cost_price":"25.00","active":"1"},{"code":"ZK","name":"Ziekte","cost_booking":"1","sale_booking":"1","sale_price":"0.00","cost_price":"0.00","active":"1"}]`
)

// TestBlueprintExamples posts every documented request example and checks the
// documented answer; after a refused example nothing is stored (the "missing
// field" examples carry a valid second record: all-or-nothing).
func TestBlueprintExamples(t *testing.T) {
	tests := []struct {
		endpoint, name, body string
		code                 int
		messages             []string
		response             string // for 200
	}{
		{"relations", "correct", bpRelationsPost, 200, []string{}, "2"},
		{"relations", "required value missing", bpRelationsMissingName, 1301, []string{"Required field missing: name"}, ""},
		{"relations", "unparsable JSON", bpRelationsUnparsable, 1009, []string{"Unable to parse body"}, ""},
		{"relations", "empty body", "", 1008, []string{"Unable to fetch body"}, ""},
		{"materials", "correct", bpMaterialsPost, 200, []string{}, "2"},
		{"materials", "required value missing", bpMaterialsMissingCode, 1201, []string{"Required field missing: code"}, ""},
		{"materials", "unparsable JSON", bpMaterialsUnparsable, 1009, []string{"Unable to parse body"}, ""},
		{"materials", "empty body", "", 1008, []string{"Unable to fetch body"}, ""},
		{"hourtypes", "correct", bpHourtypesPost, 200, []string{}, "2"},
		{"hourtypes", "required value missing", bpHourtypesMissingCode, 1801, []string{"Required field missing: code"}, ""},
		{"hourtypes", "unparsable JSON", bpHourtypesUnparsable, 1009, []string{"Unable to parse body"}, ""},
		{"hourtypes", "empty body", "", 1008, []string{"Unable to fetch body"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint+"/"+tt.name, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			a := sb.call(t, "POST", tt.endpoint, nil, tt.body)
			a.want(t, tt.code, tt.messages...)
			if a.HTTPStatus != 200 {
				t.Errorf("HTTP %d, want 200 (also for errors)", a.HTTPStatus)
			}
			stored := len(sb.call(t, "GET", tt.endpoint, nil, "").list(t))
			if tt.code == 200 {
				if string(a.Response) != tt.response {
					t.Errorf("response %s, want %s", a.Response, tt.response)
				}
				if stored != 2 {
					t.Errorf("%d records stored, want 2", stored)
				}
			} else if stored != 0 {
				t.Errorf("refused request stored %d records", stored)
			}
		})
	}
}

// TestBlueprintGetExamples: after the documented POST, GET answers the
// documented GET example. The sandbox answers every field it knows, so the
// check is that each documented field has the documented value, in order.
func TestBlueprintGetExamples(t *testing.T) {
	tests := []struct{ endpoint, post, get string }{
		{"relations", bpRelationsPost, bpRelationsGet},
		{"materials", bpMaterialsPost, bpMaterialsGet},
		{"hourtypes", bpHourtypesPost, bpHourtypesGet},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			sb.call(t, "POST", tt.endpoint, nil, tt.post).want(t, 200)
			got := sb.call(t, "GET", tt.endpoint, nil, "")
			got.want(t, 200, []string{}...)
			var want []map[string]any
			if err := json.Unmarshal([]byte(tt.get), &want); err != nil {
				t.Fatal(err)
			}
			have := got.list(t)
			if len(have) != len(want) {
				t.Fatalf("%d records, want %d", len(have), len(want))
			}
			for i := range want {
				for k, v := range want[i] {
					if hv, present := have[i][k]; !present || !reflect.DeepEqual(hv, v) {
						t.Errorf("record %d: %s = %#v, want %#v", i, k, have[i][k], v)
					}
				}
			}
		})
	}
}

// TestRelationOutputShape: every field, documented order, "" for unset text,
// null for unset coordinates.
func TestRelationOutputShape(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "relations", nil, `[{"name":"N","debtor_number":1003,"street":"S","postal_code":"P","city":"C"}]`).want(t, 200)
	got := sb.call(t, "GET", "relations", nil, "")
	want := `[{"name":"N","debtor_number":"1003","contact":"","phone_number":"","email":"","email_workorder":"","street":"S","house_number":"","postal_code":"P","city":"C","remark":"","latitude":null,"longitude":null,"country":"","external_id":"","debtor_number_invoice":"","kvk_number":"","vat_number":"","debtor_type":"","language":"","accountmanager":"","mobile":"","status":"","active":"1","pgp_code":"","source":"","lead_phase":""}]`
	if string(got.Response) != want {
		t.Errorf("got  %s\nwant %s", got.Response, want)
	}
}

// TestPostRefusals covers every refusal of a POST body: shape, unknown
// fields, required fields, values. None of them stores anything.
func TestPostRefusals(t *testing.T) {
	rel := func(extra string) string {
		return `[{"name":"N","debtor_number":"D1","street":"S","postal_code":"P","city":"C"` + extra + `}]`
	}
	mat := func(extra string) string {
		return `[{"code":"M1","description":"D","unit":"st"` + extra + `}]`
	}
	hour := func(fields string) string { return `[{"code":"H1","name":"Uren"` + fields + `}]` }
	okHour := `,"cost_booking":"0","sale_booking":"1","sale_price":"50"`
	tests := []struct {
		name, endpoint, body string
		code                 int
		messages             []string
	}{
		{"single object instead of array", "relations", `{"name":"N","debtor_number":"D1","street":"S","postal_code":"P","city":"C"}`, 1009,
			[]string{"Unable to parse body", "The body must be a JSON array of records, also for a single record"}},
		{"array of non-objects", "relations", `["a"]`, 1009, []string{"Unable to parse body", "Record 1: not a JSON object"}},
		{"JSON string", "materials", `"x"`, 1009, nil},
		{"whitespace only", "relations", " \n\t ", 1008, []string{"Unable to fetch body"}},
		{"trailing garbage", "relations", rel("") + "x", 1009, []string{"Unable to parse body"}},

		{"relation unknown field", "relations", rel(`,"postcode":"1234AB"`), 1300, []string{"Unknown field: postcode"}},
		{"relation filter alias is no field", "relations", rel(`,"zip":"1234AB"`), 1300, []string{"Unknown field: zip"}},
		{"relation unknown field reported in body order", "relations", rel(`,"b_typo":"1","a_typo":"2"`), 1300, []string{"Unknown field: b_typo"}},
		{"unknown field wins over missing field", "relations", `[{"name":"N","debtor_number":"D1","street":"S","postal_cod":"P","city":"C"}]`, 1300, []string{"Unknown field: postal_cod"}},
		{"relation empty required", "relations", `[{"name":"N","debtor_number":"D1","street":"","postal_code":"P","city":"C"}]`, 1301, []string{"Required field missing: street"}},
		{"relation blank required", "relations", `[{"name":"N","debtor_number":"D1","street":"S","postal_code":"  ","city":"C"}]`, 1301, []string{"Required field missing: postal_code"}},
		{"relation null required", "relations", `[{"name":"N","debtor_number":"D1","street":"S","postal_code":"P","city":null}]`, 1301, []string{"Required field missing: city"}},
		{"relation missing debtor_number", "relations", `[{"name":"N","street":"S","postal_code":"P","city":"C"}]`, 1301, []string{"Required field missing: debtor_number"}},
		{"relation active not 0/1", "relations", rel(`,"active":"2"`), 1300, []string{`Invalid value for active: "2" must be 0 or 1`}},
		{"relation boolean", "relations", rel(`,"active":true`), 1300, []string{"Invalid value for active: true is a boolean, want a string or number"}},
		{"relation object value", "relations", rel(`,"remark":{"a":1}`), 1300, []string{"Invalid value for remark: want a string or number, not an array or object"}},
		{"relation latitude not a number", "relations", rel(`,"latitude":"noord"`), 1300, nil},
		{"relation latitude out of range", "relations", rel(`,"latitude":91`), 1300, []string{"Invalid value for latitude: 91 is out of range (-90..90)"}},
		{"all-or-nothing: second record invalid", "relations", `[{"name":"N","debtor_number":"D1","street":"S","postal_code":"P","city":"C"},{"name":"N2","debtor_number":"D2","street":"S"}]`, 1301, []string{"Required field missing: postal_code"}},

		{"material unknown field", "materials", mat(`,"price":"1","prijs":"1"`), 1200, []string{"Unknown field: prijs"}},
		{"material missing price", "materials", mat(""), 1201, []string{"Required field missing: price"}},
		{"material price not a number", "materials", mat(`,"price":"abc"`), 1200, []string{`Invalid value for price: "abc" is not a decimal number (use 4,55 or 4.55)`}},
		{"material price with thousands separator", "materials", mat(`,"price":"1.234,56"`), 1200, nil},
		{"all-or-nothing: materials", "materials", `[{"code":"A","description":"D","price":"1","unit":"st"},{"code":"B","description":"D","price":"x","unit":"st"}]`, 1200, nil},

		{"hourtype unknown field", "hourtypes", hour(okHour + `,"salesprice":"1"`), 1800, []string{"Unknown field: salesprice"}},
		{"hourtype missing cost_booking", "hourtypes", hour(`,"sale_booking":"1","sale_price":"50"`), 1801, []string{"Required field missing: cost_booking"}},
		{"hourtype missing sale_price", "hourtypes", hour(`,"cost_booking":"0","sale_booking":"1"`), 1801, []string{"Required field missing: sale_price"}},
		{"hourtype active not 0/1", "hourtypes", hour(okHour + `,"active":"ja"`), 1801, []string{`Invalid value for active: "ja" must be 0 or 1`}},
		{"hourtype cost_booking not 0/1", "hourtypes", hour(`,"cost_booking":"2","sale_booking":"1","sale_price":"50"`), 1801, nil},
		{"hourtype sale_booking not 0/1", "hourtypes", hour(`,"cost_booking":"0","sale_booking":"yes","sale_price":"50"`), 1801, nil},
		{"hourtype sale_price unparsable", "hourtypes", hour(`,"cost_booking":"0","sale_booking":"1","sale_price":"vijftig"`), 1801, nil},
		{"hourtype sale_price negative", "hourtypes", hour(`,"cost_booking":"0","sale_booking":"1","sale_price":"-5"`), 1801, []string{"Invalid value for sale_price: must not be negative"}},
		{"hourtype cost_price unparsable", "hourtypes", hour(okHour + `,"cost_price":"x"`), 1801, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			sb.call(t, "POST", tt.endpoint, nil, tt.body).want(t, tt.code, tt.messages...)
			if n := len(sb.call(t, "GET", tt.endpoint, nil, "").list(t)); n != 0 {
				t.Errorf("refused request stored %d records", n)
			}
		})
	}
}

func TestPostEmptyArraySyncsNothing(t *testing.T) {
	sb := newSandbox(t, Options{})
	a := sb.call(t, "POST", "materials", nil, "[]")
	a.want(t, 200)
	if string(a.Response) != "0" {
		t.Errorf("response %s, want 0", a.Response)
	}
}

func TestPostBodyTooLarge(t *testing.T) {
	sb := newSandbox(t, Options{})
	body := `[{"code":"A","description":"` + strings.Repeat("x", maxBodyBytes) + `","price":"1","unit":"st"}]`
	sb.call(t, "POST", "materials", nil, body).want(t, 1009, "Unable to parse body", "Body larger than 10 MiB (sandbox limit)")
	if n := len(sb.State().Materials); n != 0 {
		t.Errorf("%d materials stored", n)
	}
}

// TestUpsert: a second POST with the same key updates the record (count
// stays); fields left out keep their value; other records are untouched.
func TestUpsert(t *testing.T) {
	tests := []struct {
		endpoint, first, second string
		key, keyValue           string
		changed, changedWant    string
		kept, keptWant          string
	}{
		{"relations",
			`[{"name":"Bakker","debtor_number":"D1","street":"Dorpsstraat","postal_code":"1234AB","city":"Utrecht","contact":"Piet"},{"name":"Ander","debtor_number":"D2","street":"S","postal_code":"P","city":"C"}]`,
			`[{"name":"Bakker BV","debtor_number":"D1","street":"Dorpsstraat","postal_code":"1234AB","city":"Amersfoort"}]`,
			"debtor_number", "D1", "city", "Amersfoort", "contact", "Piet"},
		{"materials",
			`[{"code":"M1","description":"Bocht","price":"4,55","unit":"st","freefield1":"hoog"},{"code":"M2","description":"Buis","price":"1","unit":"m"}]`,
			`[{"code":"M1","description":"Bocht 90","price":"4.75","unit":"st"}]`,
			"code", "M1", "price", "4,75", "freefield1", "hoog"},
		{"hourtypes",
			`[{"code":"001","name":"Normaal","cost_booking":"0","sale_booking":"1","sale_price":"50","cost_price":"25"},{"code":"002","name":"Overwerk","cost_booking":"0","sale_booking":"1","sale_price":"75"}]`,
			`[{"code":"001","name":"Normale uren","cost_booking":"0","sale_booking":"1","sale_price":"55,5"}]`,
			"code", "001", "sale_price", "55.50", "cost_price", "25.00"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			sb := newSandbox(t, Options{})
			sb.call(t, "POST", tt.endpoint, nil, tt.first).want(t, 200)
			a := sb.call(t, "POST", tt.endpoint, nil, tt.second)
			a.want(t, 200)
			if string(a.Response) != "1" {
				t.Errorf("response %s, want 1", a.Response)
			}
			list := sb.call(t, "GET", tt.endpoint, nil, "").list(t)
			if len(list) != 2 {
				t.Fatalf("%d records after the upsert, want 2", len(list))
			}
			rec := list[0]
			if rec[tt.key] != tt.keyValue {
				t.Fatalf("first record is %v, want the updated one first (position kept)", rec[tt.key])
			}
			if rec[tt.changed] != tt.changedWant {
				t.Errorf("%s = %v, want %s", tt.changed, rec[tt.changed], tt.changedWant)
			}
			if rec[tt.kept] != tt.keptWant {
				t.Errorf("%s = %v, want %s (a field left out keeps its value)", tt.kept, rec[tt.kept], tt.keptWant)
			}
		})
	}
}

// TestUpsertWithinOneBody: the same key twice in one array; the last wins and
// both count as synced.
func TestUpsertWithinOneBody(t *testing.T) {
	sb := newSandbox(t, Options{})
	a := sb.call(t, "POST", "materials", nil, `[{"code":"A","description":"one","price":"1","unit":"st"},{"code":"A","description":"two","price":"2","unit":"st"}]`)
	a.want(t, 200)
	if string(a.Response) != "2" {
		t.Errorf("response %s, want 2", a.Response)
	}
	ms := sb.State().Materials
	if len(ms) != 1 || ms[0].Description != "two" || ms[0].Price != "2,00" {
		t.Errorf("materials %+v, want one record A/two/2,00", ms)
	}
}

// TestDecimals: comma or dot in, documented notation out, and a GET answer
// posted back unchanged is accepted and changes nothing.
func TestDecimals(t *testing.T) {
	tests := []struct {
		endpoint, field string
		in              string // JSON value
		want            any    // answered value
	}{
		{"materials", "price", `"4.5"`, "4,50"},
		{"materials", "price", `"4,55"`, "4,55"},
		{"materials", "price", `"4,555"`, "4,56"},
		{"materials", "price", `"4.545"`, "4,55"},
		{"materials", "price", `4.5`, "4,50"},
		{"materials", "price", `10`, "10,00"},
		{"materials", "price", `1.0E7`, "10000000,00"},
		{"materials", "price", `"-1.5"`, "-1,50"},
		{"materials", "price", `" 3,2 "`, "3,20"},
		{"hourtypes", "sale_price", `"50"`, "50.00"},
		{"hourtypes", "sale_price", `"12,5"`, "12.50"},
		{"hourtypes", "sale_price", `0`, "0.00"},
		{"hourtypes", "cost_price", `"25,75"`, "25.75"},
		{"relations", "latitude", `"52.0907"`, "52.090700"},
		{"relations", "longitude", `5,12`, nil}, // a JSON number cannot have a comma: refused below
		{"relations", "longitude", `5.12`, "5.120000"},
		{"relations", "latitude", `"52,1"`, "52.100000"},
	}
	base := map[string]string{
		"materials": `"code":"M","description":"D","unit":"st"`,
		"hourtypes": `"code":"H","name":"N","cost_booking":"0","sale_booking":"1"`,
		"relations": `"name":"N","debtor_number":"D","street":"S","postal_code":"P","city":"C"`,
	}
	required := map[string]string{"materials": "price", "hourtypes": "sale_price"}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s", tt.endpoint, tt.field, tt.in), func(t *testing.T) {
			sb := newSandbox(t, Options{})
			body := "[{" + base[tt.endpoint] + `,"` + tt.field + `":` + tt.in
			if r := required[tt.endpoint]; r != "" && r != tt.field {
				body += `,"` + r + `":"1"`
			}
			body += "}]"
			a := sb.call(t, "POST", tt.endpoint, nil, body)
			if tt.want == nil {
				a.want(t, codeBadBody)
				return
			}
			a.want(t, 200)
			got := sb.call(t, "GET", tt.endpoint, nil, "")
			if v := got.list(t)[0][tt.field]; v != tt.want {
				t.Errorf("%s = %#v, want %#v", tt.field, v, tt.want)
			}
			// Round trip: what GET answers is accepted back, unchanged.
			sb.call(t, "POST", tt.endpoint, nil, string(got.Response)).want(t, 200)
			if again := sb.call(t, "GET", tt.endpoint, nil, ""); again.Raw != got.Raw {
				t.Errorf("posting the GET answer back changed it:\n%s\n%s", got.Raw, again.Raw)
			}
		})
	}
}

// TestHourtypeDefaults: cost_price and active are optional; unset they answer
// "0.00" and "1".
func TestHourtypeDefaults(t *testing.T) {
	sb := newSandbox(t, Options{})
	sb.call(t, "POST", "hourtypes", nil, `[{"code":"H","name":"N","cost_booking":0,"sale_booking":1,"sale_price":50}]`).want(t, 200)
	got := sb.call(t, "GET", "hourtypes", nil, "")
	want := `[{"code":"H","name":"N","cost_booking":"0","sale_booking":"1","sale_price":"50.00","cost_price":"0.00","active":"1"}]`
	if string(got.Response) != want {
		t.Errorf("got  %s\nwant %s", got.Response, want)
	}
}
