package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/koppeling/koppeling/internal/store"
)

// goldenAt is when the golden history's run started.
var goldenAt = time.Date(2026, 3, 16, 10, 15, 0, 0, time.UTC)

// goldenHistory is a fixed history: one run that imported and invoiced
// (started at goldenAt, finished a minute later with the last line as its
// summary), its log lines seven seconds apart, one parked work order and
// one held for the user's confirmation.
func goldenHistory() (lines []store.LogEntry, parked []store.Export) {
	for i, l := range []struct {
		level store.Level
		msg   string
	}{
		{store.LevelInfo, "Synchronisatie gestart (handmatig)."},
		{store.LevelInfo, "37 relaties gesynchroniseerd naar OutSmart."},
		{store.LevelInfo, "28 materialen gesynchroniseerd naar OutSmart."},
		{store.LevelInfo, "3 uursoorten gesynchroniseerd naar OutSmart."},
		{store.LevelWarning, "Relatie R0031 (Bakkerij Van Dam) heeft geen adres en kan niet naar OutSmart. Vul het adres in e-Boekhouden in."},
		{store.LevelInfo, "Factuur 2026-0101 aangemaakt voor werkbon WB26101 (relatie R0004, € 1.234,56 incl. btw)."},
		{store.LevelInfo, "Factuur 2026-0102 aangemaakt voor werkbon WB26102 (relatie R0011, € 389,20 incl. btw)."},
		{store.LevelAttention, "e-Boekhouden weigert de factuur voor werkbon WB26107: onbekende btw-code HOOG_VERK. Kies de btw-code van het product in e-Boekhouden en kies daarna Opnieuw proberen."},
		{store.LevelInfo, "37 relaties, 28 materialen en 3 uursoorten gesynchroniseerd; 2 facturen aangemaakt; 1 werkbon heeft aandacht nodig."},
	} {
		lines = append(lines, store.LogEntry{Time: goldenAt.Add(time.Duration(i) * 7 * time.Second), Level: l.level, Message: l.msg})
	}
	parked = []store.Export{
		{RowID: "wo-107", OrderNumber: "WB26107", State: store.ExportParked, RelationCode: "R0019", Reason: lines[7].Message},
		{RowID: "wo-109", OrderNumber: "WB26109", State: store.ExportParked, RelationCode: "R0004", NeedsConfirmation: true,
			Reason: "Werkbon WB26109 heeft een regel van € 31.250,00 excl. btw, meer dan het hoogste regelbedrag zonder " +
				"bevestiging (€ 25.000,00). Klopt de werkbon, kies dan Toch factureren."},
	}
	return lines, parked
}

// goldenSeed fills a store with the golden history.
func goldenSeed(t *testing.T) func(*store.Store) {
	return func(st *store.Store) {
		ctx := t.Context()
		lines, parked := goldenHistory()
		at := goldenAt
		st.SetClock(func() time.Time { return at })
		id, err := st.StartRun(ctx, "manual")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			l.RunID = id
			if _, err := st.AddLog(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		for _, x := range parked {
			if err := st.SaveExport(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		at = at.Add(time.Minute)
		if err := st.FinishRun(ctx, id, store.RunAttention, lines[len(lines)-1].Message); err != nil {
			t.Fatal(err)
		}
		st.SetClock(time.Now)
	}
}

// goldenFake fills the fake with the golden history.
func goldenFake(f *fakeBackend) {
	lines, parked := goldenHistory()
	for i := range lines {
		lines[i].RunID = 1
	}
	f.addLog(lines...)
	for _, x := range parked {
		f.park(x)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, store.Run{ID: 1, StartedAt: goldenAt, FinishedAt: goldenAt.Add(time.Minute), Trigger: "manual",
		Outcome: store.RunAttention, Summary: lines[len(lines)-1].Message})
}

// TestScreensMatchGoldens renders every tab, and the answer to Submit, and
// compares them with the images in testdata/. After a deliberate change,
// the new images are in testdata/failed/: look at them, then move them up.
func TestScreensMatchGoldens(t *testing.T) {
	h := newHarness(t, harnessOptions{seed: goldenSeed(t), settings: map[string]string{
		store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard", store.KeyBookDirectly: "true"}})
	u := h.u
	for _, s := range []struct {
		tab  int
		file string
	}{
		{tabLogin, "login.png"}, {tabImport, "import.png"}, {tabExport, "export.png"},
		{tabGeneral, "general.png"}, {tabLog, "log.png"},
	} {
		u.tabs.SelectIndex(s.tab)
		u.win.Canvas().Unfocus()
		test.AssertImageMatches(t, s.file, u.win.Canvas().Capture())
	}

	// Submit with the sandbox's credentials: "Gelukt - Je bent ingelogd!".
	u.tabs.SelectIndex(tabLogin)
	c := h.demoCredentials()
	typeInto(u.login.username, c.EBoekhoudenUsername)
	typeInto(u.login.code1, c.EBoekhoudenSecurityCode1)
	typeInto(u.login.code2, c.EBoekhoudenSecurityCode2)
	typeInto(u.login.companyID, c.OutSmartCompanyID)
	typeInto(u.login.token, c.OutSmartToken)
	typeInto(u.login.softwareToken, c.OutSmartSoftwareToken)
	test.Tap(u.login.submit)
	h.pump("the login check", func() bool { return h.topDialogText() != "" })
	h.settle()
	u.win.Canvas().Unfocus()
	test.AssertImageMatches(t, "login_ok.png", u.win.Canvas().Capture())
}
