package outsmart

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/decimal"
)

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		code     int
		messages []string
		response string // "" means nil
		bad      bool
	}{
		{name: "documented success", body: `{"code":200,"messages":[],"response":2}`, code: 200, response: "2"},
		{name: "documented error", body: `{"code":1301,"messages":["Required field missing: name"],"response":null}`,
			code: 1301, messages: []string{"Required field missing: name"}},
		{name: "code as string", body: `{"code":"1500","messages":[],"response":null}`, code: 1500},
		{name: "messages null", body: `{"code":1007,"messages":null}`, code: 1007},
		{name: "messages a string", body: `{"code":1007,"messages":"boom"}`, code: 1007, messages: []string{"boom"}},
		{name: "messages not strings", body: `{"code":1007,"messages":[1,{"a":2},"x"]}`, code: 1007, messages: []string{"1", `{"a":2}`, "x"}},
		{name: "BOM and white space", body: "\xef\xbb\xbf \n{\"code\":200,\"response\":[]}\n", code: 200, response: "[]"},
		{name: "no code", body: `{"messages":[],"response":[]}`, bad: true},
		{name: "code not a number", body: `{"code":"ok"}`, bad: true},
		{name: "code a float", body: `{"code":200.5}`, bad: true},
		{name: "truncated", body: `{"code":200,"messages":[],"response":[{"id":"1`, bad: true},
		{name: "HTML", body: `<html><body>Maintenance</body></html>`, bad: true},
		{name: "array", body: `[{"code":200}]`, bad: true},
		{name: "empty", body: ``, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(tt.body))
			if tt.bad {
				if err == nil || !errors.Is(err, errNoEnvelope) {
					t.Fatalf("err = %v, want errNoEnvelope", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if env.code != tt.code || strings.Join(env.messages, "|") != strings.Join(tt.messages, "|") || string(env.response) != tt.response {
				t.Errorf("got code %d messages %q response %q", env.code, env.messages, env.response)
			}
		})
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		body string
		n    int
		bad  bool
	}{
		{`[]`, 0, false},
		{`null`, 0, false},
		{``, 0, false},
		{`{}`, 0, false},
		{`[{"a":1},{"a":2}]`, 2, false},
		{`{"0":{"a":1},"5":{"a":2},"6":{"a":3}}`, 3, false},
		{`{"id":"1919","WorkorderNo":"AB"}`, 1, false},
		{`"x"`, 0, true},
		{`12`, 0, true},
		{`true`, 0, true},
	}
	for _, tt := range tests {
		got, err := splitList(json.RawMessage(tt.body))
		if tt.bad != (err != nil) || len(got) != tt.n {
			t.Errorf("splitList(%s) = %d records, %v; want %d, error %v", tt.body, len(got), err, tt.n, tt.bad)
		}
	}
}

func TestParseCount(t *testing.T) {
	for body, want := range map[string]int{`2`: 2, `"17"`: 17, `0`: 0} {
		if n, err := parseCount(json.RawMessage(body)); err != nil || n != want {
			t.Errorf("parseCount(%s) = %d, %v; want %d", body, n, err, want)
		}
	}
	for _, body := range []string{`null`, `-1`, `"x"`, `[1]`, `1.5`} {
		if n, err := parseCount(json.RawMessage(body)); err == nil {
			t.Errorf("parseCount(%s) = %d, want an error", body, n)
		}
	}
}

// blueprintWorkOrder is the Blueprint's GetWorkorder example with its JSON
// repaired (a missing comma, Documents as a list of strings) and numbers
// where clients have seen them.
const blueprintWorkOrder = `{
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
 "Signature": "553b6a0b3ace6c.png", "PdfUrl": "http://www.werkbonapp.nl/mailpdf.php?action=display&sheet_id=6201",
 "WorksheetCode": "6201090a4cf6e501f9f0d7a1c75c584d", "status": "Compleet", "WorkFinished": 1,
 "InternalWorkDescription": "", "WorkDuration": "0", "WorkStatus": "001", "WorkDeadline": "", "PickupPlanning": "0",
 "Photos": [{"image": "http://www.werkbonapp.nl/werkbonimages/url.png", "title": "WorkOrderImage_4"}],
 "Workperiods": [{"BeginTime": "08:30", "TotalTime": "03:45", "WorkRemark": "", "WorkDate": "26-09-2013",
   "EndTime": "12:15", "Travel": "1", "EmployeeNr": "11", "HourType": "001"},
   {"BeginTime": "22:00", "EndTime": "01:00", "Break": 30, "WorkDate": "26-09-2013", "HourType": "NACHT"}],
 "Materials": [{"MaterialCode": "A786878", "MaterialTotalPrice": "0,00", "MaterialNr": "1", "MaterialPrice": "0,00",
   "MaterialName": "Kleinmateriaal", "MaterialUnit": "M2", "MaterialType": null, "MaterialFreeField1": null,
   "MaterialFreeField2": "8000", "MaterialFreeField3": null, "MaterialFreeField4": null, "MaterialFreeField5": null},
   {"MaterialCode": "CU-22", "MaterialNr": 3.5, "MaterialPrice": "12,40", "MaterialName": "Koperen buis"}],
 "Documents": [{"url": "http://www.werkbonapp.nl/uploads/documents/1389703238_test.pdf"}],
 "Forms": [], "WorkObjects": []
}`

func TestDecodeWorkOrderBlueprintExample(t *testing.T) {
	wo, rerr := decodeWorkOrder(json.RawMessage(blueprintWorkOrder))
	if rerr != nil {
		t.Fatal(rerr)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	checks := []struct {
		name      string
		got, want any
	}{
		{"RowID", wo.RowID, "1919"},
		{"Number", wo.Number, "3BCE7228843"},
		{"ExternalNumber", wo.ExternalNumber, "AB756X"},
		{"Date", wo.Date, day(2013, 6, 11)},
		{"Time", wo.Time, 10*time.Hour + 30*time.Minute},
		{"CreatedAt", wo.CreatedAt, time.Date(2013, 6, 11, 2, 51, 0, 0, time.UTC)},
		{"Customer.DebtorNumber", wo.Customer.DebtorNumber, "A985785"},
		{"Customer.HouseNumber", wo.Customer.HouseNumber, "5"},
		{"InvoiceCustomer.DebtorNumber", wo.InvoiceCustomer.DebtorNumber, "B985785"},
		{"InvoiceCustomer.Name", wo.InvoiceCustomer.Name, "John Doe"},
		{"InvoiceCustomer.HouseNumber", wo.InvoiceCustomer.HouseNumber, "1-D"},
		{"InvoiceCustomer.PostalCode", wo.InvoiceCustomer.PostalCode, "3454WJ"},
		{"InvoiceCustomer.Email", wo.InvoiceCustomer.Email, "john.doe@example.com"},
		{"Status", wo.Status, StatusComplete},
		{"WorkflowStatus", wo.WorkflowStatus, "001"},
		{"Archived", wo.Archived, false},
		{"Finished", wo.Finished, true},
		{"ProjectNumber", wo.ProjectNumber, "001"},
		{"PdfURL", wo.PdfURL, "http://www.werkbonapp.nl/mailpdf.php?action=display&sheet_id=6201"},
		{"len(Materials)", len(wo.Materials), 2},
		{"Materials[0].FreeFields", wo.Materials[0].FreeFields, [5]string{"", "8000", "", "", ""}},
		{"Materials[0].Total", wo.Materials[0].Total.String(), "0"},
		{"Materials[1].Quantity", wo.Materials[1].Quantity.String(), "3.5"},
		{"Materials[1].UnitPrice", wo.Materials[1].UnitPrice.String(), "12.4"},
		{"Materials[1].Total (computed)", wo.Materials[1].Total.String(), "43.4"},
		{"len(WorkPeriods)", len(wo.WorkPeriods), 2},
		{"WorkPeriods[0].Date", wo.WorkPeriods[0].Date, day(2013, 9, 26)},
		{"WorkPeriods[0].Total", wo.WorkPeriods[0].Total, 3*time.Hour + 45*time.Minute},
		{"WorkPeriods[0].Travel", wo.WorkPeriods[0].Travel.String(), "1"},
		{"WorkPeriods[0].EmployeeNumber", wo.WorkPeriods[0].EmployeeNumber, "11"},
		{"WorkPeriods[1].Break (minutes)", wo.WorkPeriods[1].Break, 30 * time.Minute},
		{"WorkPeriods[1].Total (computed across midnight)", wo.WorkPeriods[1].Total, 2*time.Hour + 30*time.Minute},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestDecodeWorkOrderNamesTheBadField(t *testing.T) {
	base := map[string]any{}
	if err := json.Unmarshal([]byte(blueprintWorkOrder), &base); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"bad date", func(m map[string]any) { m["WorkDate"] = "31-02-2013" }, "WorkDate"},
		{"bad time", func(m map[string]any) { m["WorkTime"] = "25:00" }, "WorkTime"},
		{"bad creation date", func(m map[string]any) { m["CreationDate"] = "soon" }, "CreationDate"},
		{"bad archived flag", func(m map[string]any) { m["Archived"] = "maybe" }, "Archived"},
		{"no row id", func(m map[string]any) { m["id"] = "" }, "id"},
		{"object as status", func(m map[string]any) { m["status"] = map[string]any{} }, "status"},
		{"bad quantity", func(m map[string]any) { mat(m, 1)["MaterialNr"] = "drie" }, "Materials[1].MaterialNr"},
		{"missing quantity", func(m map[string]any) { mat(m, 0)["MaterialNr"] = nil }, "Materials[0].MaterialNr"},
		{"thousands separator", func(m map[string]any) { mat(m, 1)["MaterialPrice"] = "1.234,50" }, "Materials[1].MaterialPrice"},
		{"bad total", func(m map[string]any) { mat(m, 0)["MaterialTotalPrice"] = "n/a" }, "Materials[0].MaterialTotalPrice"},
		{"bad period date", func(m map[string]any) { per(m, 0)["WorkDate"] = "2013/09/26" }, "Workperiods[0].WorkDate"},
		{"bad total time", func(m map[string]any) { per(m, 0)["TotalTime"] = "3,75" }, "Workperiods[0].TotalTime"},
		{"break longer than period", func(m map[string]any) { per(m, 1)["Break"] = "600" }, "Workperiods[1].Break"},
		{"no times at all", func(m map[string]any) { per(m, 1)["BeginTime"] = "" }, "Workperiods[1].TotalTime"},
		{"materials a string", func(m map[string]any) { m["Materials"] = "none" }, "Materials"},
		{"total overflows", func(m map[string]any) {
			mat(m, 1)["MaterialNr"] = "99999999999999"
			mat(m, 1)["MaterialPrice"] = "99999999999999"
		}, "Materials[1].MaterialTotalPrice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := clone(t, base)
			tt.edit(m)
			raw, _ := json.Marshal(m)
			_, rerr := decodeWorkOrder(raw)
			if rerr == nil {
				t.Fatal("decoded without error")
			}
			if rerr.Field != tt.field || rerr.Kind != "work order" {
				t.Errorf("field %q kind %q, want %q", rerr.Field, rerr.Kind, tt.field)
			}
			if tt.field != "id" && tt.field != "status" && (rerr.ID != "1919" || rerr.Number != "3BCE7228843") {
				t.Errorf("the error does not name the order: %+v", rerr)
			}
			if !errors.Is(rerr, ErrUnreadable) {
				t.Error("not ErrUnreadable")
			}
		})
	}
}

func mat(m map[string]any, i int) map[string]any { return m["Materials"].([]any)[i].(map[string]any) }
func per(m map[string]any, i int) map[string]any { return m["Workperiods"].([]any)[i].(map[string]any) }

func clone(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadRecordsKeepsGoodOrdersAndListsBadOnes(t *testing.T) {
	good := blueprintWorkOrder
	bad := strings.Replace(blueprintWorkOrder, `"WorkDate": "11-06-2013"`, `"WorkDate": "gisteren"`, 1)
	bad = strings.Replace(bad, `"id": "1919"`, `"id": "2020"`, 1)
	raw := json.RawMessage("[" + good + "," + bad + "," + `"not an order"` + "]")
	c := &Client{}
	orders, err := decodeList(c, "GET GetWorkorders", raw, workOrderCodec)
	if len(orders) != 1 || orders[0].RowID != "1919" {
		t.Fatalf("got %d orders, want only 1919", len(orders))
	}
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Total != 3 || len(pe.Records) != 2 {
		t.Fatalf("err = %v, want a PartialError with 2 of 3", err)
	}
	if r := pe.Records[0]; r.ID != "2020" || r.Field != "WorkDate" || r.Index != 1 {
		t.Errorf("first bad record = %+v", r)
	}
	if r := pe.Records[1]; r.ID != "" || r.Index != 2 || !strings.Contains(r.Error(), "#3") {
		t.Errorf("second bad record = %+v (%v)", r, r)
	}
	if !errors.Is(err, ErrUnreadable) {
		t.Error("PartialError does not match ErrUnreadable")
	}
	msg := err.Error()
	for _, want := range []string{"GET GetWorkorders", "2 of 3", "work order 2020 (3BCE7228843): field WorkDate", `"gisteren" is not a date`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestMasterDataDecoding(t *testing.T) {
	c := &Client{}
	hts, err := decodeList(c, "GET hourtypes", json.RawMessage(`[
		{"code":"001","name":"Normale uren","cost_booking":"0","sale_booking":"1","sale_price":"50.00","cost_price":"25.00","active":"1"},
		{"code":"ZK","name":"Ziekte","cost_booking":1,"sale_booking":0,"sale_price":"0,00"},
		{"code":"BAD","name":"x","cost_booking":"2","sale_booking":"0","sale_price":"1"}]`), hourTypeCodec)
	want := []HourType{
		{Code: "001", Name: "Normale uren", SaleBooking: true, SalePrice: decimal.MustParse("50"), CostPrice: decimal.MustParse("25"), Active: true},
		{Code: "ZK", Name: "Ziekte", CostBooking: true, Active: true},
	}
	if len(hts) != 2 || hts[0] != want[0] || hts[1] != want[1] {
		t.Errorf("hour types = %+v\nwant %+v", hts, want)
	}
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Records[0].ID != "BAD" || pe.Records[0].Field != "cost_booking" {
		t.Errorf("err = %v, want BAD/cost_booking", err)
	}
}

func TestDecodeListPaths(t *testing.T) {
	c := &Client{}
	bad := strings.Replace(strings.Replace(blueprintWorkOrder, `"WorkTime": "10:30"`, `"WorkTime": "10.30"`, 1), `"1919"`, `"77"`, 1)
	tests := []struct {
		name   string
		raw    string
		good   int
		badIDs []string
		field  string
	}{
		{"one pass, one order fails to convert", "[" + blueprintWorkOrder + "," + bad + "]", 1, []string{"77"}, "WorkTime"},
		{"one pass, a null record", "[" + blueprintWorkOrder + ",null]", 1, []string{""}, ""},
		{"per record, a JSON type error", `[` + blueprintWorkOrder + `,{"id":"9","OrderNr":"N9","WorkDate":{"d":1}}]`, 1, []string{"9"}, "WorkDate"},
		{"per record, PHP object list", `{"0":` + blueprintWorkOrder + `,"1":` + bad + `}`, 1, []string{"77"}, "WorkTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orders, err := decodeList(c, "GET GetWorkorders", json.RawMessage(tt.raw), workOrderCodec)
			var pe *PartialError
			if len(orders) != tt.good || !errors.As(err, &pe) || len(pe.Records) != len(tt.badIDs) {
				t.Fatalf("%d orders, %v", len(orders), err)
			}
			for i, id := range tt.badIDs {
				r := pe.Records[i]
				if r.ID != id || r.Field != tt.field || r.Index != 1 {
					t.Errorf("record error %+v, want id %q field %q index 1", r, id, tt.field)
				}
				if id == "77" && r.Number != "3BCE7228843" {
					t.Errorf("number %q not read", r.Number)
				}
			}
		})
	}
}
