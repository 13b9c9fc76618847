package rest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// ListOutstanding reads every page with credDeb, converts the amounts to
// the cent and refuses an item it cannot read whole (a missing amount would
// read as "paid").
func TestListOutstanding(t *testing.T) {
	item := func(id, nr, total, paid, open string) string {
		return `{"date":"2026-12-01","mutationId":` + id + `,"invoiceNumber":"` + nr + `","relationId":7,"relationCode":"K1","company":"De Vries","totalAmount":` +
			total + `,"paidAmount":` + paid + `,"outstandingAmount":` + open + `}`
	}
	var queries []string
	ss := newSessionServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path != "/v1/mutation/invoice/outstanding" {
			jsonAnswer(w, 404, `{}`)
			return
		}
		queries = append(queries, r.URL.RawQuery)
		switch r.URL.Query().Get("offset") {
		case "0":
			jsonAnswer(w, 200, `{"items":[`+item("1", "F1", "1039.33", "100", "939.33")+`,`+item("2", "F2", "121", "0", "121")+`],"count":3}`)
		default:
			jsonAnswer(w, 200, `{"items":[`+item("3", "F3", "10.1", "10", "0.1")+`],"count":3}`)
		}
	})
	c, _, _ := testClient(t, ss.srv.URL, func(cfg *Config) { cfg.PageSize = 2 })
	got, err := c.ListOutstanding(context.Background(), Debtors)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(queries) != 2 {
		t.Fatalf("%d items in %d requests: %+v", len(got), len(queries), got)
	}
	for _, q := range queries {
		if !strings.Contains(q, "credDeb=D") {
			t.Errorf("query %q without credDeb=D", q)
		}
	}
	if g := got[0]; g.InvoiceNumber != "F1" || g.Total.Cents() != 103933 || g.Paid.Cents() != 10000 || g.Open.Cents() != 93933 || g.Date.Format("2006-01-02") != "2026-12-01" || g.Company != "De Vries" {
		t.Errorf("first item %+v", g)
	}
	if _, err := c.ListOutstanding(context.Background(), "X"); !errors.Is(err, ErrInvalid) {
		t.Errorf("credDeb X: %v", err)
	}
}

func TestListOutstandingRefusesAnItemWithoutItsAmount(t *testing.T) {
	for name, body := range map[string]string{
		"no outstanding amount": `{"items":[{"mutationId":1,"invoiceNumber":"F1","totalAmount":10,"paidAmount":0}],"count":1}`,
		"no invoice number":     `{"items":[{"mutationId":1,"totalAmount":10,"paidAmount":0,"outstandingAmount":10}],"count":1}`,
		"amount as text":        `{"items":[{"mutationId":1,"invoiceNumber":"F1","totalAmount":"10","paidAmount":0,"outstandingAmount":10}],"count":1}`,
		"no items":              `{"count":1}`,
	} {
		t.Run(name, func(t *testing.T) {
			ss := newSessionServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { jsonAnswer(w, 200, body) })
			c, _, _ := testClient(t, ss.srv.URL, nil)
			if got, err := c.ListOutstanding(context.Background(), Debtors); err == nil {
				t.Errorf("read as %+v", got)
			}
		})
	}
}
