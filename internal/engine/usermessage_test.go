package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/store"
)

// TestUserMessageOfAWebPageAndOfDamage: a web page in a service's place is
// not "niet bereikbaar", even though it also counts as transient; store
// damage met during a run is Dutch and says what to do.
func TestUserMessageOfAWebPageAndOfDamage(t *testing.T) {
	eb := fmt.Errorf("e-Boekhouden GetRelaties: %w", errors.Join(eboekhouden.ErrTransient, eboekhouden.ErrNotTheService))
	osErr := errors.Join(outsmart.ErrTransient, outsmart.ErrNotTheService)
	for _, c := range []struct {
		err  error
		want string
	}{
		{eb, "geen antwoord van e-Boekhouden maar een webpagina"},
		{osErr, "geen antwoord van OutSmart maar een webpagina"},
		{fmt.Errorf("read settings: %w", &store.DamagedError{Path: "koppeling.db", Problem: store.ProblemUnreadable}), "`koppeling store reset`"},
	} {
		got := summaryMessage(Summary{Err: c.err}).Render(message.Dutch)
		if !strings.Contains(got, c.want) || strings.Contains(got, "niet bereikbaar") {
			t.Errorf("summary of %v = %q, want %q", c.err, got, c.want)
		}
	}
	if got := summaryMessage(Summary{Err: osErr}).Render(message.English); !strings.Contains(got, "not an answer from OutSmart but a web page") {
		t.Errorf("English summary of a web page: %q", got)
	}
}
