package outsmart

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// demoOrders returns n work orders made from the demo's Compleet orders
// (with their material lines and work periods), with distinct row ids.
func demoOrders(n int) []demodata.Workorder {
	var src []demodata.Workorder
	for _, w := range demodata.Default().OutSmart.Workorders {
		if w.Status == "Compleet" && len(w.Materials) > 0 {
			src = append(src, w)
		}
	}
	out := make([]demodata.Workorder, n)
	for i := range out {
		w := src[i%len(src)]
		w.ID = fmt.Sprint(100000 + i)
		w.OrderNr = fmt.Sprintf("WB%06d", i)
		out[i] = w
	}
	return out
}

// workOrdersAnswer is a GetWorkorders answer with n work orders.
func workOrdersAnswer(tb testing.TB, n int) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"code": 200, "messages": []string{}, "response": demoOrders(n)})
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodeWorkOrders500 decodes a GetWorkorders answer with 500 work
// orders: the envelope, then every order with its lines and periods.
func BenchmarkDecodeWorkOrders500(b *testing.B) {
	body := workOrdersAnswer(b, 500)
	c := &Client{}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := parseEnvelope(body)
		if err != nil {
			b.Fatal(err)
		}
		orders, err := decodeList(c, "GET GetWorkorders", env.response, workOrderCodec)
		if err != nil || len(orders) != 500 {
			b.Fatalf("%d orders, %v", len(orders), err)
		}
	}
}

// BenchmarkWorkOrders500OverHTTP is the whole call against the sandbox on
// loopback: request, answer, decoding.
func BenchmarkWorkOrders500OverHTTP(b *testing.B) {
	ds := demodata.Default()
	ds.OutSmart.Workorders = demoOrders(500)
	sb, err := sandbox.Start(sandbox.Options{Dataset: ds})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	c, err := New(Config{BaseURL: sb.OutSmartURL, Token: ds.OutSmart.Credentials.Token, SoftwareToken: ds.OutSmart.Credentials.SoftwareToken})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		orders, err := c.WorkOrders(context.Background(), WorkOrderQuery{Status: StatusComplete})
		if err != nil || len(orders) != 500 {
			b.Fatalf("%d orders, %v", len(orders), err)
		}
	}
}

// TestDecodeWorkOrders500 keeps the benchmark's input honest in plain test
// runs: 500 orders decode to the demo's values.
func TestDecodeWorkOrders500(t *testing.T) {
	body := workOrdersAnswer(t, 500)
	env, err := parseEnvelope(body)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := decodeList(&Client{}, "GET GetWorkorders", env.response, workOrderCodec)
	if err != nil || len(orders) != 500 {
		t.Fatalf("%d orders, %v", len(orders), err)
	}
	lines, periods := 0, 0
	for _, o := range orders {
		lines += len(o.Materials)
		periods += len(o.WorkPeriods)
	}
	if lines < 1000 || periods < 500 {
		t.Errorf("only %d material lines and %d periods in 500 orders", lines, periods)
	}
	t.Logf("answer of %d bytes: %d orders, %d material lines, %d work periods", len(body), len(orders), lines, periods)
}
