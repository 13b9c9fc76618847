package ui

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/assets"
	"github.com/koppeling/koppeling/internal/scheduler"
	"github.com/koppeling/koppeling/internal/store"
)

// demoOptions are the options of `koppeling --demo`.
var demoOptions = Options{Demo: true, BuiltInSoftwareToken: true,
	DemoEBoekhoudenState: "http://127.0.0.1:1/_sandbox/state", DemoOutSmartState: "http://127.0.0.1:2/_sandbox/state"}

// TestEveryTabFitsAtTheDefaultSize opens the demo's window at its default
// size, in Dutch and English, with a history in the log and invoices on, and
// checks that no tab needs scrolling, that Submit stays in view while the
// login form says what Submit will do, and that the status line is not cut
// off.
func TestEveryTabFitsAtTheDefaultSize(t *testing.T) {
	for _, lang := range []string{"nl_NL.UTF-8", "en_US.UTF-8"} {
		t.Run(lang, func(t *testing.T) {
			t.Setenv("LANG", lang)
			h := newHarness(t, harnessOptions{seed: goldenSeed(t), opts: demoOptions, settings: map[string]string{
				store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}})
			u := h.u
			if got := u.win.Canvas().Size(); got != defaultWindowSize {
				t.Fatalf("window %v, want %v", got, defaultWindowSize)
			}
			for i, item := range u.tabs.Items {
				u.tabs.SelectIndex(i)
				assertFits(t, item)
			}
			// Every tab has its content now (each gets it when first
			// selected).
			if min := u.win.Content().MinSize(); min.Width > defaultWindowSize.Width || min.Height > defaultWindowSize.Height {
				t.Errorf("the window needs %v, more than its default size", min)
			}

			u.tabs.SelectIndex(tabLogin)
			test.Type(u.login.username, "x")
			u.relayout()
			if !u.login.pending.Visible() {
				t.Fatal("no word that Submit keeps typed credentials")
			}
			assertInView(t, u, u.login.submit, u.tabs.Items[tabLogin].Content)
			assertStatusWhole(t, u)
			if lang == "nl_NL.UTF-8" {
				u.win.Canvas().Unfocus()
				test.AssertImageMatches(t, "login_demo.png", u.win.Canvas().Capture())
			}
		})
	}
}

// assertFits fails when a tab's content is larger than the space it has.
func assertFits(t *testing.T, item *container.TabItem) {
	t.Helper()
	content := item.Content
	if s, ok := content.(*container.Scroll); ok {
		content = s.Content
	}
	need, have := content.MinSize(), item.Content.Size()
	if need.Height > have.Height || need.Width > have.Width {
		t.Errorf("tab %s needs %v, has %v", item.Text, need, have)
	}
}

// assertInView fails unless o lies wholly inside the visible part of view.
func assertInView(t *testing.T, u *UI, o fyne.CanvasObject, view fyne.CanvasObject) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	pos, top := d.AbsolutePositionForObject(o), d.AbsolutePositionForObject(view)
	if !o.Visible() || pos.Y < top.Y || pos.Y+o.Size().Height > top.Y+view.Size().Height ||
		pos.Y+o.Size().Height > u.win.Canvas().Size().Height {
		t.Errorf("%T at %v (%v) is not inside %v (%v)", o, pos, o.Size(), top, view.Size())
	}
}

// assertStatusWhole fails when the status line is cut off.
func assertStatusWhole(t *testing.T, u *UI) {
	t.Helper()
	if u.status.Truncation != fyne.TextTruncateOff || u.status.Wrapping != fyne.TextWrapWord {
		t.Errorf("the status line may be cut off: truncation %v, wrapping %v", u.status.Truncation, u.status.Wrapping)
	}
	if need, have := u.status.MinSize().Height, u.status.Size().Height; need > have {
		t.Errorf("the status line needs %v high, has %v: %q", need, have, u.status.Text)
	}
}

// TestStatusLineShowsEverything: the last run, what needs attention, the
// next run and the pause, each in full.
func TestStatusLineShowsEverything(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{}, goldenFake)
	u := h.u
	u.HandleEvent(scheduler.Event{Kind: scheduler.EventResumed, NextRun: time.Date(2026, 3, 16, 10, 31, 0, 0, time.UTC)})
	h.settle()
	for _, want := range []string{"Laatste synchronisatie 16-03-2026 10:16: 37 relaties", "1 werkbon heeft aandacht nodig.",
		"2 punten vragen aandacht (tabblad Log).", "Volgende om 10:31."} {
		if !strings.Contains(u.status.Text, want) {
			t.Errorf("status line %q lacks %q", u.status.Text, want)
		}
	}
	assertStatusWhole(t, u)

	// A summary without a full stop gets one before what follows.
	u.lastRun.Summary = "2 items hebben aandacht nodig"
	u.updateStatus()
	if want := "2 items hebben aandacht nodig.  2 punten vragen aandacht"; !strings.Contains(u.status.Text, want) {
		t.Errorf("status line %q lacks %q", u.status.Text, want)
	}

	u.HandleEvent(scheduler.Event{Kind: scheduler.EventPaused})
	h.settle()
	for _, want := range []string{"2 punten vragen aandacht", "Automatisch synchroniseren is gepauzeerd."} {
		if !strings.Contains(u.status.Text, want) {
			t.Errorf("paused status line %q lacks %q", u.status.Text, want)
		}
	}
	if strings.Contains(u.status.Text, "Volgende om") {
		t.Errorf("a paused status line names the next run: %q", u.status.Text)
	}
	assertStatusWhole(t, u)
}

// TestVATCodesAreNamed: the default BTW code is offered by name with its
// code, outdated codes only when chosen and then flagged, in Dutch and
// English; the store keeps the code.
func TestVATCodesAreNamed(t *testing.T) {
	h := newHarness(t, harnessOptions{settings: map[string]string{store.KeyExportInvoices: "true", store.KeyTemplate: "Standaard"}})
	u, f := h.u, h.u.settings
	if got := f.vatCode.Selected; got != "Hoog tarief 21 % (HOOG_VERK_21)" {
		t.Errorf("default BTW code shown as %q", got)
	}
	var want []string
	for _, c := range store.SalesVATCodeList() {
		if !c.Outdated {
			want = append(want, c.Label(false))
		}
	}
	if !slices.Equal(f.vatCode.Options, want) {
		t.Errorf("BTW codes offered: %q, want %q", f.vatCode.Options, want)
	}
	for _, o := range f.vatCode.Options {
		if strings.Contains(o, "19 %") || strings.Contains(o, "6 %") || strings.Contains(o, "verouderd") {
			t.Errorf("an outdated code is offered: %q", o)
		}
	}
	f.vatCode.SetSelected("Verlegd (VERL_VERK)")
	if !u.dirty() {
		t.Fatal("a new BTW code is not an unsaved change")
	}
	test.Tap(u.save)
	h.pump("the save", func() bool { return u.saveNote.Text == tr("save.done") })
	if set, _ := h.st.Settings(h.ctx); set.DefaultVATCode != "VERL_VERK" {
		t.Fatalf("stored BTW code %q", set.DefaultVATCode)
	}

	// An outdated code chosen before is shown, flagged, and kept.
	h.sched.Stop()
	if err := h.st.SetSetting(h.ctx, store.KeyDefaultVATCode, "HOOG_VERK"); err != nil {
		t.Fatal(err)
	}
	h.st.Close()
	r := newHarness(t, harnessOptions{dir: h.dir})
	rf := r.u.settings
	if got := rf.vatCode.Selected; got != "Hoog tarief 19 % (HOOG_VERK), verouderd" || !slices.Contains(rf.vatCode.Options, got) {
		t.Errorf("outdated code shown as %q in %q", got, rf.vatCode.Options)
	}
	if r.u.dirty() {
		t.Error("an outdated code counts as an unsaved change")
	}
	rf.vatCode.SetSelected("Hoog tarief 21 % (HOOG_VERK_21)")
	if v := rf.values()[store.KeyDefaultVATCode]; v != "HOOG_VERK_21" {
		t.Errorf("chosen code %q", v)
	}
}

func TestVATCodesInEnglish(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	h := newFakeHarness(t, harnessOptions{})
	f := h.u.settings
	if got := f.vatCode.Selected; got != "Standard rate 21 % (HOOG_VERK_21)" {
		t.Errorf("default BTW code shown as %q", got)
	}
	if !slices.Contains(f.vatCode.Options, "Reverse charge (VERL_VERK)") {
		t.Errorf("options %q", f.vatCode.Options)
	}
}

// TestValidationMessagesClearWhenTheValueIsRight: a refused field's message
// goes as soon as the field holds an accepted value, before saving, and
// stays while it does not.
func TestValidationMessagesClearWhenTheValueIsRight(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u, f := h.u, h.u.settings
	test.Tap(f.exportInvoices) // on, without a template
	typeInto(f.paymentTerm, "400")
	typeInto(f.interval, "0")
	test.Tap(u.save)
	h.pump("the refusal", func() bool { return !u.save.Disabled() && h.topDialogText() != "" })
	h.closeDialogs()
	term, tpl, ivl := h.field(store.KeyPaymentTermDays), h.field(store.KeyTemplate), h.field(store.KeyIntervalMinutes)
	for _, fd := range []*settingField{term, tpl, ivl} {
		if !fd.err.Visible() {
			t.Fatalf("%s is not marked", fd.key)
		}
	}

	typeInto(f.paymentTerm, "-5") // refused at every key
	if !term.err.Visible() {
		t.Error("the message went while the value is still refused")
	}
	typeInto(f.paymentTerm, "30")
	if term.err.Visible() {
		t.Errorf("the message stays on a right value: %q", term.err.Text)
	}
	if !tpl.err.Visible() || !ivl.err.Visible() {
		t.Error("correcting one field cleared another's message")
	}
	// The template is needed only while Factuur is ticked.
	test.Tap(f.exportInvoices)
	if tpl.err.Visible() {
		t.Errorf("the template's message stays with Factuur off: %q", tpl.err.Text)
	}
	typeInto(f.interval, "15")
	if ivl.err.Visible() {
		t.Errorf("the interval's message stays on a right value: %q", ivl.err.Text)
	}
	// A field never refused gets no message while typing.
	typeInto(f.interval, "abc")
	if ivl.err.Visible() {
		t.Error("typing marked a field before saving")
	}
}

// TestUntickingFactuurDisablesItsFields: the invoice fields can be edited
// only while Factuur is ticked.
func TestUntickingFactuurDisablesItsFields(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	f := h.u.settings
	sub := map[string]fyne.Disableable{"template": f.template, "payment term": f.paymentTerm, "workflow status": f.workflowStatus,
		"fetch": f.fetchStatuses, "BTW code": f.vatCode, "ledger": f.ledger, "hours rounding": f.hoursRounding,
		"line limit": f.maxLineAmount, "book directly": f.bookDirectly}
	check := func(enabled bool) {
		t.Helper()
		for name, w := range sub {
			if w.Disabled() == enabled {
				t.Errorf("with Factuur %v, %s is disabled: %v", enabled, name, w.Disabled())
			}
		}
		if f.exportRelations.Disabled() || f.exportInvoices.Disabled() {
			t.Error("Factuur or Exporteer relaties is disabled")
		}
	}
	check(false) // Factuur is off by default
	test.Type(f.template, "Standaard")
	if f.template.Text != "" {
		t.Errorf("a disabled template took %q", f.template.Text)
	}
	test.Tap(f.exportInvoices)
	check(true)
	test.Type(f.template, "Standaard")
	if f.template.Text != "Standaard" {
		t.Errorf("template %q", f.template.Text)
	}
	test.Tap(f.exportInvoices)
	check(false)
	// A discard shows the saved settings, Factuur off, and the fields follow.
	test.Tap(f.exportInvoices)
	h.u.discard()
	check(false)
}

// failingKeychain is a keychain that cannot be reached, as on a Linux
// desktop without a Secret Service.
type failingKeychain struct{}

var errNoSecretService = errors.New("dbus: the name org.freedesktop.secrets was not provided by any .service files")

func (failingKeychain) Get(string, string) (string, error) { return "", errNoSecretService }
func (failingKeychain) Set(string, string, string) error   { return errNoSecretService }
func (failingKeychain) Delete(string, string) error        { return errNoSecretService }

// TestFirstStartWithoutAKeychainSaysWhatToDo: without a keychain, the login
// form names the cause and what to install or do, not "fill them in again".
func TestFirstStartWithoutAKeychainSaysWhatToDo(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"nl_NL.UTF-8", "Koppeling kan de inloggegevens niet lezen: de sleutelbos van het systeem is niet bereikbaar: " +
			errNoSecretService.Error() + ". " + tr("login.keychain.advice.linux")},
		{"en_US.UTF-8", "Koppeling cannot read the credentials: the system keychain cannot be reached: " +
			errNoSecretService.Error() + ". Koppeling keeps them in the system keychain"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			t.Setenv("LANG", c.lang)
			h := newHarness(t, harnessOptions{keychain: failingKeychain{}})
			f := h.u.login
			if !f.result.Visible() || !strings.HasPrefix(f.result.Text, c.want) {
				t.Fatalf("without a keychain the form says %q, want %q", f.result.Text, c.want)
			}
			if !strings.Contains(f.result.Text, "gnome-keyring") || !strings.Contains(f.result.Text, "README") {
				t.Errorf("no advice what to install: %q", f.result.Text)
			}
			if strings.HasPrefix(c.lang, "en") && strings.Contains(f.result.Text, "sleutelbos") {
				t.Errorf("the English window says the keychain problem in Dutch: %q", f.result.Text)
			}
			if strings.Contains(f.result.Text, "inloggegevens opnieuw in") {
				t.Errorf("the form asks to fill the credentials in again: %q", f.result.Text)
			}
			if h.u.dirty() {
				t.Error("a first start counts as unsaved")
			}
		})
	}
}

// TestHelpKeepsBulletsAndWholeWords renders the help of both languages: each
// list item has its bullet or number, each paragraph holds the source's
// words, and however narrow the window, a line breaks only between words.
func TestHelpKeepsBulletsAndWholeWords(t *testing.T) {
	for _, l := range assets.Languages() {
		md, err := assets.Help(l)
		if err != nil {
			t.Fatal(err)
		}
		var bullets, numbered int
		for _, line := range strings.Split(string(md), "\n") {
			switch trimmed := strings.TrimSpace(line); {
			case strings.HasPrefix(trimmed, "- "):
				bullets++
			case len(trimmed) > 2 && trimmed[0] >= '1' && trimmed[0] <= '9' && trimmed[1] == '.':
				numbered++
			}
		}
		content := helpContent(md)
		var markers []string
		var paragraphs []*flowText
		walk(content, func(o fyne.CanvasObject) {
			if w, ok := o.(*flowText); ok {
				paragraphs = append(paragraphs, w)
				if m := w.String(); m == "•" || regexp.MustCompile(`^[0-9]+\.$`).MatchString(m) {
					markers = append(markers, m)
				}
			}
		})
		gotBullets := 0
		var numbers []string
		for _, m := range markers {
			if m == "•" {
				gotBullets++
			} else {
				numbers = append(numbers, m)
			}
		}
		if gotBullets != bullets || bullets == 0 {
			t.Errorf("%s: %d bullets shown, the help has %d", l, gotBullets, bullets)
		}
		if len(numbers) != numbered || numbered == 0 || numbers[0] != "1." || numbers[len(numbers)-1] != fmt.Sprintf("%d.", numbered) {
			t.Errorf("%s: numbers %q, the help has %d", l, numbers, numbered)
		}
		source := strings.Join(strings.Fields(strings.NewReplacer("**", "", "*", "", "`", "").Replace(string(md))), " ")
		for _, p := range paragraphs {
			if p.String() != "•" && !strings.Contains(source, p.String()) {
				t.Errorf("%s: paragraph %q is not the help's text", l, p.String())
			}
		}

		if l == "nl" {
			h := newFakeHarness(t, harnessOptions{})
			test.Tap(findButton(h.u.win.Content(), "Help"))
			test.AssertImageMatches(t, "help.png", h.u.help.Canvas().Capture())
		}

		w := test.NewTempWindow(t, container.NewVScroll(content))
		for _, width := range []float32{680, 420, 260} {
			w.Resize(fyne.NewSize(width, 600))
			for _, p := range paragraphs {
				assertWordsWrap(t, p)
			}
		}
	}
}

// assertWordsWrap fails when a word of p is drawn beyond its right edge,
// unless it is alone on its line, or overlaps another.
func assertWordsWrap(t *testing.T, p *flowText) {
	t.Helper()
	objs := test.WidgetRenderer(p).Objects()
	for i, o := range objs {
		txt := o.(*canvas.Text)
		right := txt.Position().X + fyne.MeasureText(txt.Text, txt.TextSize, txt.TextStyle).Width
		alone := i == 0 || objs[i-1].Position().Y != txt.Position().Y
		if right > p.Size().Width && !alone {
			t.Errorf("%q ends at %v in a paragraph %v wide", txt.Text, right, p.Size().Width)
		}
		if i > 0 && objs[i-1].Position().Y == txt.Position().Y && objs[i-1].Position().X+objs[i-1].Size().Width >= txt.Position().X {
			t.Errorf("%q overlaps %q", txt.Text, objs[i-1].(*canvas.Text).Text)
		}
	}
}

// TestLoginFieldsAreNotUnsavedSettings: typing credentials asks for Submit,
// not for Instellingen opslaan, and closing the window does not ask about
// them.
func TestLoginFieldsAreNotUnsavedSettings(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{})
	u := h.u
	typeInto(u.login.username, "installatie")
	if u.dirty() || u.saveNote.Text != "" {
		t.Fatalf("a login field counts as an unsaved setting: %q", u.saveNote.Text)
	}
	if !u.login.pending.Visible() {
		t.Error("the form does not say that Submit keeps the credentials")
	}
	u.requestClose()
	if got := h.topDialogText(); got != "" {
		t.Fatalf("closing asks about credentials: %q", got)
	}
	typeInto(u.login.username, "")
	if u.login.pending.Visible() {
		t.Error("the Submit note stays when the fields hold the kept credentials")
	}
}

// TestLongLogLineOpensWhole: a log line cut off in the table opens whole,
// with its time, when chosen.
func TestLongLogLineOpensWhole(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{}, goldenFake)
	u := h.u
	u.tabs.SelectIndex(tabLog)
	long := "Relatie R0031 (Bakkerij Van Dam) heeft geen adres en kan niet naar OutSmart. Vul het adres in e-Boekhouden in."
	row := slices.IndexFunc(u.logView.entries, func(e store.LogEntry) bool { return e.Message == long })
	if row < 0 {
		t.Fatal("the long line is not in the log")
	}
	u.logView.table.Select(widget.TableCellID{Row: row, Col: 1})
	if got := h.topDialogText(); !strings.Contains(got, long) || !strings.Contains(got, "16-03-2026 10:15") {
		t.Fatalf("the chosen line shows %q", got)
	}
}

// TestSaveOnADamagedStoreSaysWhatToDo: a damaged store on save is told in
// words with the way out, not as SQLite's English.
func TestSaveOnADamagedStoreSaysWhatToDo(t *testing.T) {
	h := newFakeHarness(t, harnessOptions{}, func(f *fakeBackend) {
		// The store turns out damaged on save.
		f.saveErr = fmt.Errorf("save settings: %w", &store.DamagedError{Path: "/data/koppeling.db", Problem: store.ProblemUnreadable,
			Reason: "database disk image is malformed"})
	})
	u := h.u
	typeInto(u.settings.interval, "30")
	test.Tap(u.save)
	h.pump("the failure", func() bool { return !u.save.Disabled() && h.topDialogText() != "" })
	got := h.topDialogText()
	if !strings.Contains(got, "de opslag van Koppeling is beschadigd") || !strings.Contains(got, "start het opnieuw") {
		t.Errorf("a damaged store on save says %q", got)
	}
	if strings.Contains(got, "malformed") {
		t.Errorf("SQLite's text is shown: %q", got)
	}
	if !u.dirty() {
		t.Error("the unsaved change was lost")
	}
}
