package sandbox

import (
	"testing"

	"github.com/koppeling/koppeling/internal/sandbox/demodata"
)

// BenchmarkStart50k starts both sandboxes from a dataset of 50,000
// relations and 50,000 products (copy, validation, both servers' states,
// loopback listeners) and stops them:
//
//	go test -run '^$' -bench . -benchmem ./internal/sandbox/
func BenchmarkStart50k(b *testing.B) {
	ds := demodata.Generated(50_000, 50_000, false)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		sb, err := Start(Options{Dataset: ds})
		if err != nil {
			b.Fatal(err)
		}
		if err := sb.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
