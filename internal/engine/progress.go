package engine

import (
	"strconv"

	"github.com/koppeling/koppeling/internal/message"
)

// Progress is how far a long read of master data has come: e-Boekhouden
// answers at most ResultCap records per request, so a large administration
// is read in many requests (see sweep.go). The engine reports it only while
// such a read is under way, after each request, and once more with Done.
type Progress struct {
	Kind  string // "relations" or "products"
	Read  int    // distinct records read so far in this run
	About int    // how many there were at the last complete read; 0 when not known
	Done  bool   // the read is finished (for this run)
}

// Text is the progress in the reader's words ("Relaties ophalen: 6.000 van
// ongeveer 15.000").
func (p Progress) Text() message.Text {
	a := message.Args{"Kind": p.Kind, "Read": strconv.Itoa(p.Read)}
	if p.About > 0 {
		a["About"] = strconv.Itoa(max(p.About, p.Read))
	}
	return message.Text{Key: message.KeyProgress, Args: a}
}
