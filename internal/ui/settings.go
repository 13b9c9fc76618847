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
	maxLineAmount                                     *formEntry
	workflowStatus, vatCode, hoursRounding            *widget.Select
	notifySuccess, autostart                          *widget.Check
	statusNote                                        *widget.Label
	fetchStatuses                                     *widget.Button
	// loadingStatuses is set while the workflow statuses are fetched.
	loadingStatuses bool

	importTab, exportTab, generalTab fyne.CanvasObject
}

func (u *UI) newSettingsForm() *settingsForm {
	f := &settingsForm{}
	check := func(label string) *widget.Check { return widget.NewCheck(label, func(bool) { u.settingChanged() }) }
	entry := func() *formEntry {
		e := u.newEntry(false)
		e.OnChanged = func(string) { u.settingChanged() }
		return e
	}
	addCheck := func(key string, tab int, c *widget.Check) *settingField {
		fd := &settingField{key: key, tab: tab, focus: c, err: newErrorText(),
			value: func() string { return strconv.FormatBool(c.Checked) },
			show:  func(v string) { c.SetChecked(v == "true") }}
		f.fields = append(f.fields, fd)
		return fd
	}
	addEntry := func(key string, tab int, e *formEntry) *settingField {
		fd := &settingField{key: key, tab: tab, focus: e, err: newErrorText(),
			value: func() string { return strings.TrimSpace(e.Text) },
			show:  func(v string) { e.SetText(v) }}
		f.fields = append(f.fields, fd)
		return fd
	}
	addSelect := func(key string, tab int, s *widget.Select) *settingField {
		fd := &settingField{key: key, tab: tab, focus: s, err: newErrorText(),
			value: func() string { return s.Selected },
			show: func(v string) {
				if v != "" && !slices.Contains(s.Options, v) {
					s.SetOptions(append(slices.Clone(s.Options), v))
				}
				s.SetSelected(v)
			}}
		f.fields = append(f.fields, fd)
		return fd
	}
	// addChoice is a select that shows a label for each value the store
	// knows.
	addChoice := func(key string, tab int, s *widget.Select, values []string, label func(string) string) *settingField {
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
		f.fields = append(f.fields, fd)
		return fd
	}
	// addVAT is the select of a BTW code: the current codes by name, and an
	// outdated one only while it is chosen, flagged as outdated.
	addVAT := func(key string, tab int, s *widget.Select) *settingField {
		english := u.lang == English
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
		f.fields = append(f.fields, fd)
		return fd
	}
	// addAmount is an entry for an amount in euros, shown with the
	// window's decimal comma or point.
	addAmount := func(key string, tab int, e *formEntry) *settingField {
		fd := &settingField{key: key, tab: tab, focus: e, err: newErrorText(),
			value: func() string { return storedAmount(e.Text) },
			show:  func(v string) { e.SetText(u.shownAmount(v)) }}
		f.fields = append(f.fields, fd)
		return fd
	}
	help := func(labelKey, helpKey string) *widget.Button {
		return helpButton(tr(labelKey), tr(helpKey), u.window)
	}
	// row puts a field with its [?] on a line and its inline error under it;
	// checkRow puts the [?] right after a check box's label.
	row := func(fd *settingField, field fyne.CanvasObject, helpBtn *widget.Button) fyne.CanvasObject {
		return container.NewVBox(container.NewBorder(nil, nil, nil, helpBtn, field), fd.err)
	}
	checkRow := func(fd *settingField, c *widget.Check, helpBtn *widget.Button) fyne.CanvasObject {
		return container.NewVBox(container.NewHBox(c, helpBtn), fd.err)
	}
	withUnit := func(e fyne.CanvasObject, unit string) fyne.CanvasObject {
		return container.NewHBox(container.New(&minWidth{width: 100}, e), widget.NewLabel(unit))
	}

	// Import instellingen.
	f.importRelations = check(tr("import.relations"))
	f.importMaterials = check(tr("import.materials"))
	f.importHourTypes = check(tr("import.hourtypes"))
	rel := addCheck(store.KeyImportRelations, tabImport, f.importRelations)
	mat := addCheck(store.KeyImportMaterials, tabImport, f.importMaterials)
	hours := addCheck(store.KeyImportHourTypes, tabImport, f.importHourTypes)
	f.importTab = container.NewVBox(
		container.NewHBox(title(tr("import.heading")), help("import.heading", "help.import")),
		checkRow(rel, f.importRelations, help("import.relations", "help.import.relations")),
		checkRow(mat, f.importMaterials, help("import.materials", "help.import.materials")),
		checkRow(hours, f.importHourTypes, help("import.hourtypes", "help.import.hourtypes")),
	)

	// Export instellingen.
	f.exportInvoices = check(tr("export.invoices"))
	f.template = entry()
	f.paymentTerm = entry()
	f.bookDirectly = check(tr("export.bookdirectly"))
	f.exportRelations = check(tr("export.relations"))
	f.workflowStatus = widget.NewSelect(nil, func(string) { u.settingChanged() })
	f.vatCode = widget.NewSelect(nil, func(string) { u.settingChanged() })
	f.ledger = entry()
	f.hoursRounding = widget.NewSelect(nil, func(string) { u.settingChanged() })
	f.maxLineAmount = entry()
	f.statusNote = hint("")
	f.statusNote.Hide()
	f.fetchStatuses = widget.NewButton(tr("export.workflowstatus.fetch"), func() { u.loadWorkflowStatuses() })

	f.exportInvoices.OnChanged = func(bool) {
		f.enableInvoiceFields()
		u.settingChanged()
	}
	inv := addCheck(store.KeyExportInvoices, tabExport, f.exportInvoices)
	tpl := addEntry(store.KeyTemplate, tabExport, f.template)
	term := addEntry(store.KeyPaymentTermDays, tabExport, f.paymentTerm)
	book := addCheck(store.KeyBookDirectly, tabExport, f.bookDirectly)
	exRel := addCheck(store.KeyExportRelations, tabExport, f.exportRelations)
	wf := addSelect(store.KeyWorkflowStatus, tabExport, f.workflowStatus)
	vat := addVAT(store.KeyDefaultVATCode, tabExport, f.vatCode)
	led := addEntry(store.KeyDefaultLedger, tabExport, f.ledger)
	rounding := addChoice(store.KeyHoursRounding, tabExport, f.hoursRounding, store.HoursRoundings(), hoursRoundingLabel)
	maxLine := addAmount(store.KeyMaxLineAmount, tabExport, f.maxLineAmount)

	form := widget.NewForm(
		widget.NewFormItem(tr("export.template"), row(tpl, f.template, help("export.template", "help.export.template"))),
		widget.NewFormItem(tr("export.paymentterm"), row(term, withUnit(f.paymentTerm, tr("export.paymentterm.unit")),
			help("export.paymentterm", "help.export.paymentterm"))),
		widget.NewFormItem(tr("export.workflowstatus"), container.NewVBox(
			row(wf, container.NewBorder(nil, nil, nil, f.fetchStatuses, f.workflowStatus),
				help("export.workflowstatus", "help.export.workflowstatus")), f.statusNote)),
		widget.NewFormItem(tr("export.vatcode"), row(vat, f.vatCode, help("export.vatcode", "help.export.vatcode"))),
		widget.NewFormItem(tr("export.ledger"), row(led, f.ledger, help("export.ledger", "help.export.ledger"))),
		widget.NewFormItem(tr("export.hoursrounding"), row(rounding, f.hoursRounding,
			help("export.hoursrounding", "help.export.hoursrounding"))),
		widget.NewFormItem(tr("export.maxlineamount"), row(maxLine, withUnit(f.maxLineAmount, tr("export.maxlineamount.unit")),
			help("export.maxlineamount", "help.export.maxlineamount"))),
	)
	f.exportTab = container.NewVBox(
		checkRow(inv, f.exportInvoices, help("export.invoices", "help.export.invoices")),
		form,
		checkRow(book, f.bookDirectly, help("export.bookdirectly", "help.export.bookdirectly")),
		checkRow(exRel, f.exportRelations, help("export.relations", "help.export.relations")),
	)

	// Algemeen.
	f.interval = entry()
	f.notifySuccess = check(tr("general.notifysuccess"))
	f.autostart = check(tr("general.autostart"))
	ivl := addEntry(store.KeyIntervalMinutes, tabGeneral, f.interval)
	ns := addCheck(store.KeyNotifySuccess, tabGeneral, f.notifySuccess)
	as := addCheck(store.KeyAutostart, tabGeneral, f.autostart)
	f.generalTab = container.NewVBox(
		widget.NewForm(widget.NewFormItem(tr("general.interval"),
			row(ivl, withUnit(f.interval, tr("general.interval.unit")), help("general.interval", "help.general.interval")))),
		checkRow(ns, f.notifySuccess, help("general.notifysuccess", "help.general.notifysuccess")),
		checkRow(as, f.autostart, help("general.autostart", "help.general.autostart")),
		layout.NewSpacer(),
	)
	return f
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
	for _, w := range []fyne.Disableable{f.template, f.paymentTerm, f.workflowStatus, f.vatCode, f.ledger,
		f.hoursRounding, f.maxLineAmount, f.bookDirectly} {
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
