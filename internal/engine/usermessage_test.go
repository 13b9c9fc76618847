package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/koppeling/koppeling/internal/eboekhouden"
	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/outsmart"
	"github.com/koppeling/koppeling/internal/sandbox"
	"github.com/koppeling/koppeling/internal/store"
	"github.com/koppeling/koppeling/internal/testkit"
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

// TestUserMessageOfAWebPageOnEitherRoad: when a web page answers in
// e-Boekhouden's place (a captive portal, a proxy's error page), the run's
// message says so on both roads, from the error each road's bookkeeping
// really returns, and never "niet bereikbaar".
func TestUserMessageOfAWebPageOnEitherRoad(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body><h1>Log in op het gastnetwerk</h1></body></html>")
	}))
	t.Cleanup(page.Close)
	forEachRoad(t, func(t *testing.T, rd road) {
		link := testkit.Start(t, sandbox.Options{}).Link
		link.Endpoints.EBoekhoudenURL, link.Endpoints.EBoekhoudenRESTURL = page.URL+"/soap.asmx", page.URL
		if rd == roadREST {
			link = link.OnREST()
		}
		books := booksFor(t, rd, link, testkit.ClientOptions{Timeout: 2 * time.Second, Retry: fastRetry}, nil)
		_, err := books.Relations(context.Background(), eboekhouden.RelationFilter{})
		if !errors.Is(err, eboekhouden.ErrNotTheService) {
			t.Fatalf("a web page in e-Boekhouden's place: %v, want ErrNotTheService", err)
		}
		got := summaryMessage(Summary{Err: err})
		if nl := got.Render(message.Dutch); !strings.Contains(nl, "geen antwoord van e-Boekhouden maar een webpagina") || strings.Contains(nl, "niet bereikbaar") {
			t.Errorf("summary: %q", nl)
		}
		if en := got.Render(message.English); !strings.Contains(en, "not an answer from e-Boekhouden but a web page") {
			t.Errorf("summary in English: %q", en)
		}
	})
}
