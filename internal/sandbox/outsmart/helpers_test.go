package outsmart

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// Credentials of the fixture account. Long and distinctive, so that a test can
// search every log entry and answer for them.
const (
	testToken     = "5f0c6a1e9b7d4c3a8e2f1d0b9a8c7e6f5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a"
	testSoftToken = "c316c4532fa7cccdcd572491d9552f80945a5136"
)

// blueprintWorkorderJSON is the Blueprint's GetWorkorder example, with its two
// JSON slips repaired (a missing comma after "Kleinmateriaal"; Documents as a
// list of strings).
const blueprintWorkorderJSON = `{
  "id": "1919", "WorkorderNo": "AB756X", "OrderNr": "3BCE7228843",
  "WorkDate": "11-06-2013", "WorkTime": "10:30", "WorkEndDate": "11-06-2013", "WorkEndTime": "12:30",
  "ProjectNr": "001", "ExternProjectNr": "EX01",
  "CustomerName": "Yoran van Arragon", "CustomerDebtorNr": "A985785", "CustomerStreet": "Adres", "CustomerStreetNo": "5",
  "CustomerEmail": "yoran.arragon@provide.nl", "CustomerZIP": "3454de", "CustomerCity": "De Meern",
  "CustomerContactPerson": "Yoran van Arragon", "CustomerPhone": "0646321418", "CustomerRemark": "Geen opmerking",
  "CustomerNameInvoice": "John Doe", "CustomerDebtorNrInvoice": "B985785", "CustomerStreetInvoice": "De Dompelaar",
  "CustomerStreetNoInvoice": "1-D", "CustomerEmailInvoice": "john.doe@example.com", "CustomerZIPInvoice": "3454WJ",
  "CustomerCityInvoice": "Amsterdam", "CustomerContactPersonInvoice": "John Doe", "CustomerPhoneInvoice": "0611111111",
  "CustomerRemarkInvoice": "Geen", "TypeOfWork": "Installatie", "WorkDescription": "Verschillende werkzaamheden",
  "PaymentMethod": "niet van toepassing", "CreationDate": "2013-06-11 02:51", "Archived": "0", "EmployeeNr": "",
  "Signature": "553b6a0b3ace6c.png",
  "SignatureUrl": "http://www.werkbonapp.nl/uploads/handtekeningen/553b6a0b3ace6c.png",
  "PdfUrl": "http://www.werkbonapp.nl/mailpdf.php?action=display&sheet_id=6201090a4cf6e501f9f0d7a1c75c584d",
  "WordUrl": "http://www.werkbonapp.nl/mailpdf.php?action=word&sheet_id=6201090a4cf6e501f9f0d7a1c75c584d",
  "WorksheetCode": "6201090a4cf6e501f9f0d7a1c75c584d",
  "status": "Compleet", "WorkFinished": "1", "InternalWorkDescription": "", "WorkDuration": "0", "WorkStatus": "001",
  "WorkDeadline": "", "PickupPlanning": "0", "WebPlanning": "0", "CpnCode": "", "AdrCode": "",
  "Photos": [{"image": "http://www.werkbonapp.nl/werkbonimages/url.png", "title": "WorkOrderImage_4"}],
  "Workperiods": [{"BeginTime": "08:30", "TotalTime": "03:45", "WorkRemark": "", "WorkDate": "26-09-2013",
                   "EndTime": "12:15", "Travel": "1", "EmployeeNr": "11", "HourType": "001"}],
  "Materials": [{"MaterialCode": "A786878", "MaterialTotalPrice": "0,00", "MaterialNr": "1", "MaterialPrice": "0,00",
                 "MaterialName": "Kleinmateriaal", "MaterialUnit": "M2", "MaterialType": null,
                 "MaterialFreeField1": null, "MaterialFreeField2": null, "MaterialFreeField3": null,
                 "MaterialFreeField4": null, "MaterialFreeField5": null}],
  "Documents": ["http://www.werkbonapp.nl/uploads/documents/1389703238_test.pdf"],
  "Forms": [], "WorkObjects": []
}`

// fixture is a small account: the Blueprint's employees and workstatusses, no
// master data, and work orders in every status:
//
//	1919  Compleet     001  A985785 (the Blueprint example)
//	2001  Compleet     001  B1
//	2002  Compleet     002  B2
//	2003  Compleet     001  B1, archived
//	2004  Klaargezet   ""   B2
//	2005  Opgehaald    ""   B3
//	2006  Afgehandeld  001  B3
func fixture(t *testing.T) demodata.OutSmart {
	t.Helper()
	var example demodata.Workorder
	if err := json.Unmarshal([]byte(blueprintWorkorderJSON), &example); err != nil {
		t.Fatalf("blueprint example: %v", err)
	}
	order := func(id, no, status, workstatus, debtor, archived string) demodata.Workorder {
		return demodata.Workorder{
			ID: id, WorkorderNo: no, OrderNr: "WB" + id, WorkDate: "01-12-2026", WorkTime: "08:00",
			CustomerName: "Klant " + debtor, CustomerDebtorNr: debtor, CustomerDebtorNrInvoice: debtor,
			TypeOfWork: "Onderhoud", PaymentMethod: "op rekening", CreationDate: "2026-11-30 07:55",
			Archived: archived, Status: status, WorkStatus: workstatus, WorkFinished: "1",
			Workperiods: []demodata.WorkorderPeriod{{WorkDate: "01-12-2026", BeginTime: "08:00", EndTime: "10:00",
				Break: "00:00", TotalTime: "02:00", EmployeeNr: "123", HourType: "001"}},
			Materials: []demodata.WorkorderMaterial{},
		}
	}
	return demodata.OutSmart{
		Credentials: demodata.OSCredentials{CompanyID: "6416759", Token: testToken, SoftwareToken: testSoftToken},
		Employees: []demodata.Employee{
			{Firstname: "Jan", Lastname: "Klaassen", Number: "123", Active: "1"},
			{Firstname: "Katrien", Lastname: "Klaassen", Number: "129", Active: "1"},
		},
		Workstatusses: []demodata.Workstatus{{Code: "002", Name: "In progress"}, {Code: "001", Name: "Waiting for customer"}},
		Workorders: []demodata.Workorder{
			example,
			order("2001", "EXT-2001", statusComplete, "001", "B1", "0"),
			order("2002", "EXT-2002", statusComplete, "002", "B2", "0"),
			order("2003", "", statusComplete, "001", "B1", "1"),
			order("2004", "", statusReady, "", "B2", "0"),
			order("2005", "", statusFetched, "", "B3", "0"),
			order("2006", "", statusHandled, "001", "B3", "0"),
		},
	}
}

// sandbox is a Server behind a real loopback HTTP server.
type sandbox struct {
	*Server
	http *httptest.Server
}

func newSandbox(t *testing.T, opts Options) *sandbox {
	t.Helper()
	if opts.Dataset.Credentials.Token == "" {
		opts.Dataset = fixture(t)
	}
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &sandbox{Server: s, http: ts}
}

// answer is a decoded API answer.
type answer struct {
	HTTPStatus int
	Code       int             `json:"code"`
	Messages   []string        `json:"messages"`
	Response   json.RawMessage `json:"response"`
	Raw        string
}

// call sends an authenticated request to /openapi/8/<endpoint>/.
func (sb *sandbox) call(t *testing.T, method, endpoint string, params url.Values, body string) answer {
	t.Helper()
	q := url.Values{"token": {testToken}, "software_token": {testSoftToken}}
	for k, v := range params {
		q[k] = v
	}
	return sb.raw(t, method, "/openapi/8/"+endpoint+"/?"+q.Encode(), body, nil)
}

// raw sends a request to a path with its query as given.
func (sb *sandbox) raw(t *testing.T, method, pathAndQuery, body string, header http.Header) answer {
	t.Helper()
	req, err := http.NewRequest(method, sb.http.URL+pathAndQuery, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := sb.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, pathAndQuery, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, pathAndQuery, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, pathAndQuery, ct)
	}
	a := answer{HTTPStatus: resp.StatusCode, Raw: string(b)}
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s %s: answer is not an envelope: %v\n%s", method, pathAndQuery, err, b)
	}
	if a.Messages == nil {
		t.Errorf("%s %s: messages is not an array: %s", method, pathAndQuery, b)
	}
	return a
}

// want checks code and messages; messages nil means "any".
func (a answer) want(t *testing.T, code int, messages ...string) {
	t.Helper()
	if a.Code != code {
		t.Fatalf("code %d, want %d; answer %s", a.Code, code, a.Raw)
	}
	if messages != nil && !reflect.DeepEqual(a.Messages, messages) {
		t.Fatalf("messages %q, want %q", a.Messages, messages)
	}
	if code != codeOK && string(a.Response) != "null" {
		t.Fatalf("error answer with response %s, want null", a.Response)
	}
}

// list decodes an array response into maps.
func (a answer) list(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(a.Response, &out); err != nil {
		t.Fatalf("response is not a list of objects: %v\n%s", err, a.Response)
	}
	return out
}

// field collects one field of every element of a list response.
func (a answer) field(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, m := range a.list(t) {
		s, _ := m[name].(string)
		out = append(out, s)
	}
	return out
}

// statusOf returns a work order's status in the server's state.
func statusOf(t *testing.T, s *Server, id string) string {
	t.Helper()
	for _, w := range s.State().Workorders {
		if w.ID == id {
			return w.Status
		}
	}
	t.Fatalf("no work order %s", id)
	return ""
}

// try is call without testing.T, for goroutines: it returns the code.
func (sb *sandbox) try(method, endpoint string, params url.Values, body string) (int, error) {
	q := url.Values{"token": {testToken}, "software_token": {testSoftToken}}
	for k, v := range params {
		q[k] = v
	}
	req, err := http.NewRequest(method, sb.http.URL+"/openapi/8/"+endpoint+"/?"+q.Encode(), strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp, err := sb.http.Client().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var env struct{ Code int }
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return 0, fmt.Errorf("%s %s: decode: %w", method, endpoint, err)
	}
	return env.Code, nil
}

// inspectGET reads an inspection API resource into v.
func (sb *sandbox) inspectGET(t *testing.T, resource string, v any) {
	t.Helper()
	resp, err := sb.http.Client().Get(sb.http.URL + "/_sandbox/" + resource)
	if err != nil {
		t.Fatalf("GET /_sandbox/%s: %v", resource, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_sandbox/%s: HTTP %d", resource, resp.StatusCode)
	}
	decodeJSON(t, resp.Body, v)
}

func decodeJSON(t *testing.T, r io.Reader, v any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
}

func newTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewTLSServer(h)
	t.Cleanup(ts.Close)
	return ts
}
