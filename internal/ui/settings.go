package ui

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/decimal"
	"github.com/koppeling/koppeling/internal/store"
)

// Tabs of the window, in order.
const (
	tabLogin = iota
	tabImport
	tabExport
	tabGeneral
	tabInvoices // invoices.go
	tabLog
)

// settingField is one setting on the screen: where it is, how to read and
// show its value as the store's text, and where its inline error goes.
type settingField struct {
	key   string
	tab   int
	value func() string
	show  func(string)
	focus fyne.Focusable
	err   errorText
}

// settingsForm holds the widgets of the Import, Export and General tabs.
type settingsForm struct {
	fields []*settingField

	importRelations, importMaterials, importHourTypes *widget.Check
	exportInvoices, bookDirectly, exportRelations     *widget.Check
	template, paymentTerm, ledger, interval           *formEntry
	maxLineAmount, confirmAbove                       *formEntry
	workflowStatus, vatCode, hoursRounding            *widget.Select
	notifySuccess, autostart                          *widget.Check
	statusNote                                        *widget.Label
	fetchStatuses                                     *widget.Button
	// choices are the template, ledger and cost centre pickers (pickers.go);
	// template and ledger above are their typed fields.
	choices *choices
	// loadingStatuses is set while the workflow statuses are fetched.
	loadingStatuses bool
	// email are the start date and e-mail fields (emailsettings.go).
	email *emailFields

	importTab, exportTab, generalTab fyne.CanvasObject
}

// newSettingsForm builds the three settings tabs and the fields behind them.
func (u *UI) newSettingsForm() *settingsForm {
	b := &settingsBuilder{u: u, f: &settingsForm{}}
	b.importSettings()
	b.exportSettings()
	b.generalSettings()
	return b.f
}

// settingsBuilder builds the settings tabs: each field's widget, its
// settingField (how its value is read and shown) and its row with help.
type settingsBuilder struct {
	u *UI
	f *settingsForm
}

// check is a check box that marks the form changed.
func (b *settingsBuilder) check(label string) *widget.Check {
	return widget.NewCheck(label, func(bool) { b.u.settingChanged() })
}

// entry is a text entry that marks the form changed.
func (b *settingsBuilder) entry() *formEntry {
	e := b.u.newEntry(false)
	e.OnChanged = func(string) { b.u.settingChanged() }
	return e
}

// addCheck adds the setting key, shown on tab by a check box.
func (b *settingsBuilder) addCheck(key string, tab int, c *widget.Check) *settingField {
	fd := &settingField{key: key, tab: tab, focus: c, err: newErrorText(),
		value: func() string { return strconv.FormatBool(c.Checked) },
		show:  func(v string) { c.SetChecked(v == "true") }}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// addEntry adds the setting key, shown on tab by a text entry.
func (b *settingsBuilder) addEntry(key string, tab int, e *formEntry) *settingField {
	fd := &settingField{key: key, tab: tab, focus: e, err: newErrorText(),
		value: func() string { return strings.TrimSpace(e.Text) },
		show:  func(v string) { e.SetText(v) }}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// addSelect adds the setting key, shown on tab by a select of its values.
func (b *settingsBuilder) addSelect(key string, tab int, s *widget.Select) *settingField {
	fd := &settingField{key: key, tab: tab, focus: s, err: newErrorText(),
		value: func() string { return s.Selected },
		show: func(v string) {
			if v != "" && !slices.Contains(s.Options, v) {
				s.SetOptions(append(slices.Clone(s.Options), v))
			}
			s.SetSelected(v)
		}}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// addChoice adds the setting key, shown on tab by a select that shows a
// label for each value the store knows.
func (b *settingsBuilder) addChoice(key string, tab int, s *widget.Select, values []string, label func(string) string) *settingField {
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = label(v)
	}
	s.SetOptions(labels)
	fd := &settingField{key: key, tab: tab, focus: s, err: newErrorText(),
		value: func() string {
			if i := slices.Index(labels, s.Selected); i >= 0 {
				return values[i]
			}
			return s.Selected
		},
		show: func(v string) {
			if i := slices.Index(values, v); i >= 0 {
				s.SetSelected(labels[i])
			} else {
				s.SetSelected(v)
			}
		}}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// addVAT adds the BTW code setting key: the current codes by name, and an
// outdated one only while it is chosen, flagged as outdated.
func (b *settingsBuilder) addVAT(key string, tab int, s *widget.Select) *settingField {
	english := b.u.lang == English
	var current []string
	codeOf := map[string]string{}
	for _, c := range store.SalesVATCodeList() {
		codeOf[c.Label(english)] = c.Code
		if !c.Outdated {
			current = append(current, c.Label(english))
		}
	}
	s.SetOptions(current)
	fd := &settingField{key: key, tab: tab, focus: s, err: newErrorText(),
		value: func() string {
			if c, ok := codeOf[s.Selected]; ok {
				return c
			}
			return s.Selected
		},
		show: func(v string) {
			label := v
			if c, ok := store.LookUpVATCode(v); ok {
				label = c.Label(english)
			}
			opts := current
			if v != "" && !slices.Contains(opts, label) {
				opts = append(slices.Clone(current), label)
			}
			s.SetOptions(opts)
			s.SetSelected(label)
		}}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// addAmount adds the setting key, an amount in euros shown in an entry
// with the window's decimal comma or point.
func (b *settingsBuilder) addAmount(key string, tab int, e *formEntry) *settingField {
	fd := &settingField{key: key, tab: tab, focus: e, err: newErrorText(),
		value: func() string { return storedAmount(e.Text) },
		show:  func(v string) { e.SetText(b.u.shownAmount(v)) }}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// help is the [?] button of the field labelled labelKey.
func (b *settingsBuilder) help(labelKey, helpKey string) *widget.Button {
	return helpButton(tr(labelKey), tr(helpKey), b.u.window)
}

// row puts a field with its [?] on a line and its inline error under it.
func (b *settingsBuilder) row(fd *settingField, field fyne.CanvasObject, helpBtn *widget.Button) fyne.CanvasObject {
	return container.NewVBox(container.NewBorder(nil, nil, nil, helpBtn, field), fd.err)
}

// checkRow puts the [?] right after a check box's label, the inline error
// under it.
func (b *settingsBuilder) checkRow(fd *settingField, c *widget.Check, helpBtn *widget.Button) fyne.CanvasObject {
	return container.NewVBox(container.NewHBox(c, helpBtn), fd.err)
}

// withUnit puts a unit after a narrow entry.
func (b *settingsBuilder) withUnit(e fyne.CanvasObject, unit string) fyne.CanvasObject {
	return container.NewHBox(container.New(&minWidth{width: 100}, e), widget.NewLabel(unit))
}

// importSettings builds the tab Import instellingen.
func (b *settingsBuilder) importSettings() {
	f := b.f
	f.importRelations = b.check(tr("import.relations"))
	f.importMaterials = b.check(tr("import.materials"))
	f.importHourTypes = b.check(tr("import.hourtypes"))
	rel := b.addCheck(store.KeyImportRelations, tabImport, f.importRelations)
	mat := b.addCheck(store.KeyImportMaterials, tabImport, f.importMaterials)
	hours := b.addCheck(store.KeyImportHourTypes, tabImport, f.importHourTypes)
	f.importTab = container.NewVBox(
		container.NewHBox(title(tr("import.heading")), b.help("import.heading", "help.import")),
		b.checkRow(rel, f.importRelations, b.help("import.relations", "help.import.relations")),
		b.checkRow(mat, f.importMaterials, b.help("import.materials", "help.import.materials")),
		b.checkRow(hours, f.importHourTypes, b.help("import.hourtypes", "help.import.hourtypes")),
	)
}

// exportSettings builds the tab Export instellingen.
func (b *settingsBuilder) exportSettings() {
	f, u := b.f, b.u
	f.exportInvoices = b.check(tr("export.invoices"))
	f.choices = b.newChoices()
	f.template, f.ledger = f.choices.template.entry, f.choices.ledger.entry
	f.paymentTerm = b.entry()
	f.bookDirectly = b.check(tr("export.bookdirectly"))
	f.exportRelations = b.check(tr("export.relations"))
	f.workflowStatus = widget.NewSelect(nil, func(string) { u.settingChanged() })
	f.vatCode = widget.NewSelect(nil, func(string) { u.settingChanged() })
	f.hoursRounding = widget.NewSelect(nil, func(string) { u.settingChanged() })
	f.maxLineAmount = b.entry()
	f.confirmAbove = b.entry()
	f.statusNote = hint("")
	f.statusNote.Hide()
	f.fetchStatuses = widget.NewButton(tr("export.workflowstatus.fetch"), func() { u.loadWorkflowStatuses() })

	f.exportInvoices.OnChanged = func(bool) {
		f.enableInvoiceFields()
		u.settingChanged()
	}
	inv := b.addCheck(store.KeyExportInvoices, tabExport, f.exportInvoices)
	tpl := f.choices.template.fd
	term := b.addEntry(store.KeyPaymentTermDays, tabExport, f.paymentTerm)
	f.email = b.emailSettings()
	book := b.addCheck(store.KeyBookDirectly, tabExport, f.bookDirectly)
	exRel := b.addCheck(store.KeyExportRelations, tabExport, f.exportRelations)
	wf := b.addSelect(store.KeyWorkflowStatus, tabExport, f.workflowStatus)
	vat := b.addVAT(store.KeyDefaultVATCode, tabExport, f.vatCode)
	led := f.choices.ledger.fd
	rounding := b.addChoice(store.KeyHoursRounding, tabExport, f.hoursRounding, store.HoursRoundings(), hoursRoundingLabel)
	maxLine := b.addAmount(store.KeyMaxLineAmount, tabExport, f.maxLineAmount)
	confirm := b.addEntry(store.KeyConfirmAbove, tabExport, f.confirmAbove)

	form := widget.NewForm(
		widget.NewFormItem(tr("export.template"), b.row(tpl, f.choices.template.object(), b.help("export.template", "help.export.template"))),
		// The start date shares the payment term's row (emailsettings.go).
		widget.NewFormItem(tr("export.paymentterm"), container.NewVBox(container.NewBorder(nil, nil, nil,
			b.help("export.paymentterm", "help.export.paymentterm"), container.NewHBox(
				b.withUnit(f.paymentTerm, tr("export.paymentterm.unit")), widget.NewLabel("    "), f.email.startItem)),
			term.err, f.email.from.err)),
		widget.NewFormItem(tr("export.workflowstatus"), container.NewVBox(
			b.row(wf, container.NewBorder(nil, nil, nil, f.fetchStatuses, f.workflowStatus),
				b.help("export.workflowstatus", "help.export.workflowstatus")), f.statusNote)),
		widget.NewFormItem(tr("export.vatcode"), b.row(vat, f.vatCode, b.help("export.vatcode", "help.export.vatcode"))),
		widget.NewFormItem(tr("export.ledger"), b.row(led, f.choices.ledger.object(), b.help("export.ledger", "help.export.ledger"))),
		widget.NewFormItem(tr("export.hoursrounding"), b.row(rounding, f.hoursRounding,
			b.help("export.hoursrounding", "help.export.hoursrounding"))),
		widget.NewFormItem(tr("export.maxlineamount"), b.row(maxLine, b.withUnit(f.maxLineAmount, tr("export.maxlineamount.unit")),
			b.help("export.maxlineamount", "help.export.maxlineamount"))),
		widget.NewFormItem(tr("export.confirmabove"), b.row(confirm, b.withUnit(f.confirmAbove, tr("export.confirmabove.unit")),
			b.help("export.confirmabove", "help.export.confirmabove"))),
	)
	cc := f.choices.costCentre
	f.choices.form = form
	f.choices.costItem = widget.NewFormItem(tr("export.costcentre"), b.row(cc.fd, cc.object(),
		b.help("export.costcentre", "help.export.costcentre")))
	f.exportTab = container.NewVBox(
		b.checkRow(inv, f.exportInvoices, b.help("export.invoices", "help.export.invoices")),
		f.choices.line,
		form,
		// On one row, so that the tab fits the window with Vragen vanaf and
		// the links bar.
		container.NewHBox(
			b.checkRow(book, f.bookDirectly, b.help("export.bookdirectly", "help.export.bookdirectly")),
			b.checkRow(exRel, f.exportRelations, b.help("export.relations", "help.export.relations")),
			f.email.row),
	)
}

// generalSettings builds the tab Algemeen.
func (b *settingsBuilder) generalSettings() {
	f := b.f
	f.interval = b.entry()
	f.notifySuccess = b.check(tr("general.notifysuccess"))
	f.autostart = b.check(tr("general.autostart"))
	ivl := b.addEntry(store.KeyIntervalMinutes, tabGeneral, f.interval)
	ns := b.addCheck(store.KeyNotifySuccess, tabGeneral, f.notifySuccess)
	as := b.addCheck(store.KeyAutostart, tabGeneral, f.autostart)
	f.generalTab = container.NewVBox(
		widget.NewForm(widget.NewFormItem(tr("general.interval"),
			b.row(ivl, b.withUnit(f.interval, tr("general.interval.unit")), b.help("general.interval", "help.general.interval")))),
		b.checkRow(ns, f.notifySuccess, b.help("general.notifysuccess", "help.general.notifysuccess")),
		b.checkRow(as, f.autostart, b.help("general.autostart", "help.general.autostart")),
		layout.NewSpacer(),
	)
}

// show puts saved settings on the screen and clears inline errors.
func (f *settingsForm) show(s store.Settings) {
	for _, fd := range f.fields {
		v, err := s.Value(fd.key)
		if err != nil {
			continue // every field's key is a known setting
		}
		fd.show(v)
		fd.err.set("")
	}
	f.enableInvoiceFields()
}

// enableInvoiceFields enables the fields that only matter for invoices
// while Factuur is ticked, and disables them while it is not.
func (f *settingsForm) enableInvoiceFields() {
	on := f.exportInvoices.Checked
	for _, w := range []fyne.Disableable{f.choices.template, f.paymentTerm, f.workflowStatus, f.vatCode, f.choices.ledger,
		f.choices.costCentre, f.hoursRounding, f.maxLineAmount, f.confirmAbove, f.bookDirectly} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if on && !f.loadingStatuses {
		f.fetchStatuses.Enable()
	} else {
		f.fetchStatuses.Disable()
	}
	f.email.enable(on)
}

// recheck clears the message of every marked field whose value is now
// accepted, and reports whether it cleared one. It never marks a field: that
// waits until the user saves.
func (f *settingsForm) recheck() bool {
	marked := slices.ContainsFunc(f.fields, func(fd *settingField) bool { return fd.err.Visible() })
	if !marked {
		return false
	}
	refused := map[string]bool{}
	for _, e := range flatten(store.CheckSettings(f.values())) {
		var se *store.SettingError
		if errors.As(e, &se) {
			refused[se.Key] = true
		}
	}
	cleared := false
	for _, fd := range f.fields {
		if fd.err.Visible() && !refused[fd.key] {
			fd.err.set("")
			cleared = true
		}
	}
	return cleared
}

// values returns what the screen holds, setting key -> text.
func (f *settingsForm) values() map[string]string {
	out := make(map[string]string, len(f.fields))
	for _, fd := range f.fields {
		out[fd.key] = fd.value()
	}
	return out
}

// changedFrom reports whether the screen differs from the saved settings.
func (f *settingsForm) changedFrom(s store.Settings) bool {
	for _, fd := range f.fields {
		if v, err := s.Value(fd.key); err == nil && v != fd.value() {
			return true
		}
	}
	return false
}

// showRefusals marks every refused field with its reason and returns the
// first refused field in screen order (nil when err holds no refusal).
func (f *settingsForm) showRefusals(err error) *settingField {
	refused := map[string]*store.SettingError{}
	for _, e := range flatten(err) {
		var se *store.SettingError
		if errors.As(e, &se) {
			refused[se.Key] = se
		}
	}
	var first *settingField
	for _, fd := range f.fields {
		se, ok := refused[fd.key]
		if !ok {
			fd.err.set("")
			continue
		}
		msgKey := "invalid." + fd.key
		if se.Rule != "" {
			msgKey = "invalid." + se.Rule // refused together with another setting
		}
		msg := tr(msgKey)
		if msg == msgKey {
			msg = se.Reason // a refusal without its own text: the store's Dutch reason
		}
		fd.err.set(msg)
		if first == nil {
			first = fd
		}
	}
	f.email.reveal(first) // an e-mail field is in its dialog
	return first
}

// flatten lists the errors joined in err.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// setWorkflowStatuses offers OutSmart's statuses, keeping the current choice.
func (f *settingsForm) setWorkflowStatuses(names []string) {
	current := f.workflowStatus.Selected
	opts := slices.Clone(names)
	if current != "" && !slices.Contains(opts, current) {
		opts = append(opts, current)
	}
	f.workflowStatus.SetOptions(opts)
	f.workflowStatus.SetSelected(current)
}

// note shows a line under the workflow status (empty hides it).
func (f *settingsForm) note(text string) {
	f.statusNote.SetText(text)
	if text == "" {
		f.statusNote.Hide()
	} else {
		f.statusNote.Show()
	}
}

// hoursRoundingLabel is how the window names an hour rounding rule.
func hoursRoundingLabel(rule string) string {
	switch rule {
	case store.HoursRoundingMinute:
		return tr("export.hoursrounding.minute")
	case store.HoursRoundingHundredth:
		return tr("export.hoursrounding.hundredth")
	case store.HoursRoundingQuarter:
		return tr("export.hoursrounding.quarter")
	case store.HoursRoundingHalf:
		return tr("export.hoursrounding.half")
	}
	return rule
}

// shownAmount is a stored amount ("25000.00") as the window shows it: with a
// decimal comma in Dutch.
func (u *UI) shownAmount(stored string) string {
	if u.lang == Dutch {
		return strings.Replace(stored, ".", ",", 1)
	}
	return stored
}

// storedAmount is what the user typed as the store's canonical amount when
// it reads as one ("25000,5" -> "25000.50"), so that an amount shown in
// either notation counts as unchanged; anything else is passed on as typed
// for the store to refuse.
func storedAmount(typed string) string {
	t := strings.TrimSpace(typed)
	d, err := decimal.Parse(strings.TrimSpace(strings.TrimPrefix(t, "€")))
	if err != nil || !d.Equal(d.RoundCents()) {
		return t
	}
	return d.Fixed(2)
}
