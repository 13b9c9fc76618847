package ui

// This file owns the Export tab's fields of issue 18: "Werkbonnen vanaf"
// (export.workorders_from, shown and typed as dd-mm-jjjj, stored as
// YYYY-MM-DD) and "Factuur per e-mail versturen" (export.email) with its
// subject, message, sender, and on the REST road the e-mail template (a
// picker, pickers.go) and "UBL-bestand meesturen". The e-mail fields are
// disabled while the check box is off, and all of them while Factuur is.

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/store"
)

// emailFields are the widgets of the e-mail and start date fields. The
// e-mail check box sits on the Export tab with a button that opens the
// e-mail's own fields in a dialog (the tab fits the window without
// scrolling); they stay part of the form, saved with Instellingen opslaan.
type emailFields struct {
	email, attachUBL                     *widget.Check
	subject, body, fromName, fromAddress *formEntry
	workOrdersFrom                       *formEntry
	template                             *picker
	restOnly                             *fyne.Container // the UBL row: REST road only
	form                                 *widget.Form
	templateItem                         *widget.FormItem // the form's last row on the REST road only
	// from is the start date's field, startItem its part of the payment
	// term's row.
	from      *settingField
	startItem fyne.CanvasObject
	// row is the check box with its [?] and the button; section the
	// dialog's content, dialog the dialog once opened.
	row, section fyne.CanvasObject
	open         *widget.Button
	dialog       dialog.Dialog
	inDialog     map[*settingField]bool
	window       func() fyne.Window
}

// addEmailTemplatePicker adds the e-mail template's picker: "Geen
// e-mailsjabloon" or one of the administration's, kept by its id.
func (b *settingsBuilder) addEmailTemplatePicker(changed func()) *picker {
	p := b.addPicker(store.KeyEmailTemplate, tabExport, changed)
	p.none = tr("export.email.template.none")
	p.same = func(a, v string) bool {
		ida, _, errA := store.ParseEmailTemplate(a)
		idb, _, errB := store.ParseEmailTemplate(v)
		return errA == nil && errB == nil && ida == idb
	}
	p.missingName = func(v string) string {
		if id, name, err := store.ParseEmailTemplate(v); err == nil && name != "" && id != 0 {
			return name
		}
		return v
	}
	return p
}

// setEmailTemplates offers the administration's e-mail templates, each by
// its name (its number when it has none).
func (c *choices) setEmailTemplates(ts []report.EmailTemplateChoice) {
	var values, labels []string
	for _, t := range ts {
		values = append(values, store.EmailTemplateValue(t.ID, t.Name))
		label := strings.TrimSpace(t.Name)
		if label == "" {
			label = store.EmailTemplateValue(t.ID, "")
		}
		labels = append(labels, label)
	}
	c.emailTemplate.setList(values, labels)
}

// emailSettings builds the start date field and the e-mail row with its
// dialog's content.
func (b *settingsBuilder) emailSettings() *emailFields {
	f, u := b.f, b.u
	e := &emailFields{template: f.choices.emailTemplate, subject: b.entry(), fromName: b.entry(), fromAddress: b.entry(),
		body: b.entry(), workOrdersFrom: b.entry(), window: u.window}
	e.body.MultiLine, e.body.Wrapping = true, fyne.TextWrapWord
	e.body.SetMinRowsVisible(5)
	e.workOrdersFrom.SetPlaceHolder(tr("export.workordersfrom.unit"))
	e.email = b.check(tr("export.email"))
	e.email.OnChanged = func(bool) {
		f.enableInvoiceFields()
		u.settingChanged()
	}
	e.attachUBL = b.check(tr("export.email.attachubl"))
	e.open = widget.NewButton(tr("export.email.open"), e.show)

	e.from = b.addDate(store.KeyWorkOrdersFrom, e.workOrdersFrom)
	on := b.addCheck(store.KeyEmail, tabExport, e.email)
	subj := b.addEntry(store.KeyEmailSubject, tabExport, e.subject)
	body := b.addLines(store.KeyEmailBody, e.body)
	name := b.addEntry(store.KeyEmailFromName, tabExport, e.fromName)
	addr := b.addEntry(store.KeyEmailFromAddress, tabExport, e.fromAddress)
	ubl := b.addCheck(store.KeyEmailAttachUBL, tabExport, e.attachUBL)
	e.inDialog = map[*settingField]bool{subj: true, body: true, name: true, addr: true, e.template.fd: true, ubl: true}

	e.startItem = container.NewHBox(widget.NewLabelWithStyle(tr("export.workordersfrom"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.New(&minWidth{width: 130}, e.workOrdersFrom), b.help("export.workordersfrom", "help.export.workordersfrom"))
	e.row = container.NewVBox(container.NewHBox(e.email, b.help("export.email", "help.export.email"), e.open), on.err)
	e.restOnly = container.NewVBox(b.checkRow(ubl, e.attachUBL, b.help("export.email.attachubl", "help.export.email.attachubl")))
	e.restOnly.Hide()
	e.templateItem = widget.NewFormItem(tr("export.email.template"), b.row(e.template.fd, e.template.object(),
		b.help("export.email.template", "help.export.email.template")))
	e.form = widget.NewForm(
		widget.NewFormItem(tr("export.email.subject"), b.row(subj, e.subject, b.help("export.email.subject", "help.export.email.subject"))),
		widget.NewFormItem(tr("export.email.body"), b.row(body, e.body, b.help("export.email.body", "help.export.email.body"))),
		widget.NewFormItem(tr("export.email.fromname"), b.row(name, e.fromName, b.help("export.email.fromname", "help.export.email.fromname"))),
		widget.NewFormItem(tr("export.email.fromaddress"), b.row(addr, e.fromAddress,
			b.help("export.email.fromaddress", "help.export.email.fromaddress"))),
	)
	f.choices.onRoad = e.onRoad
	e.section = container.New(&minWidth{width: 620}, container.NewVBox(e.form, e.restOnly))
	return e
}

// onRoad shows the e-mail template's row and the UBL row on the REST road
// and takes them away on the SOAP road, which has neither.
func (e *emailFields) onRoad(rest bool) {
	items := e.form.Items
	has := len(items) > 0 && items[len(items)-1] == e.templateItem
	switch {
	case rest && !has:
		e.form.AppendItem(e.templateItem)
	case !rest && has:
		e.form.Items = items[:len(items)-1]
		e.form.Refresh()
	}
	e.restOnly.Hidden = !rest
	e.restOnly.Refresh()
}

// show opens the dialog with the e-mail's fields.
func (e *emailFields) show() {
	if e.dialog == nil {
		e.dialog = dialog.NewCustom(tr("export.email.title"), tr("export.email.close"), e.section, e.window())
	}
	e.dialog.Show()
}

// reveal opens the dialog when fd, a refused field, is in it.
func (e *emailFields) reveal(fd *settingField) {
	if fd != nil && e.inDialog[fd] {
		e.show()
	}
}

// The window's date: the Dutch dd-mm-jjjj; the store's YYYY-MM-DD.
const shownDateLayout = "02-01-2006"

// addDate adds the setting key, a date the window shows as dd-mm-jjjj and
// the store keeps as YYYY-MM-DD ("" for none).
func (b *settingsBuilder) addDate(key string, e *formEntry) *settingField {
	fd := &settingField{key: key, tab: tabExport, focus: e, err: newErrorText(),
		value: func() string { return storedDate(e.Text) },
		show:  func(v string) { e.SetText(shownDate(v)) }}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// storedDate is a typed date as the store keeps it when it reads as one
// (dd-mm-jjjj or YYYY-MM-DD); anything else as typed, for the store to
// refuse.
func storedDate(typed string) string {
	t := strings.TrimSpace(typed)
	for _, layout := range []string{shownDateLayout, time.DateOnly} {
		if d, err := time.Parse(layout, t); err == nil {
			return d.Format(time.DateOnly)
		}
	}
	return t
}

// shownDate is a stored date (YYYY-MM-DD) as the window shows it.
func shownDate(stored string) string {
	if d, err := time.Parse(time.DateOnly, stored); err == nil {
		return d.Format(shownDateLayout)
	}
	return stored
}

// addLines adds the setting key, a text of several lines whose stored form
// writes a line end as \n.
func (b *settingsBuilder) addLines(key string, e *formEntry) *settingField {
	fd := &settingField{key: key, tab: tabExport, focus: e, err: newErrorText(),
		value: func() string {
			t := strings.TrimSpace(strings.ReplaceAll(e.Text, "\r\n", "\n"))
			return strings.ReplaceAll(t, "\n", `\n`)
		},
		show: func(v string) { e.SetText(strings.ReplaceAll(v, `\n`, "\n")) }}
	b.f.fields = append(b.f.fields, fd)
	return fd
}

// enable follows the Factuur check box (invoices) and the e-mail one.
func (e *emailFields) enable(invoices bool) {
	set := func(on bool, ws ...fyne.Disableable) {
		for _, w := range ws {
			if on {
				w.Enable()
			} else {
				w.Disable()
			}
		}
	}
	set(invoices, e.email, e.workOrdersFrom)
	set(invoices && e.email.Checked, e.open, e.subject, e.body, e.fromName, e.fromAddress, e.template, e.attachUBL)
}
