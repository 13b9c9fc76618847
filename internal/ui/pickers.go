package ui

// This file owns the export settings' pickers (issue 17): on
// e-Boekhouden's REST road the invoice template and the revenue ledger are
// chosen from the administration's lists, and a cost centre may be chosen;
// on the SOAP road, which cannot list templates, the template stays typed,
// the revenue ledger is chosen from GetGrootboekrekeningen's list and no
// cost centre is offered. Without a complete e-Boekhouden login nothing is
// loaded and the fields are typed. The lists load off the UI thread; while
// they load, and when they cannot be loaded, the typed fields stand in. A
// choice saves the same text the typed field saved (a template's name, a
// ledger's code), so the engine does not know the pickers exist.

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
	"github.com/koppeling/koppeling/internal/store"
)

// picker is one setting that is typed (entry) or chosen from a list (sel).
// values are the list's stored texts and labels what the select shows for
// them; a stored text that is not in the list shows as "<text> (niet
// gevonden)" and is kept as it is until another is chosen.
type picker struct {
	fd    *settingField
	entry *formEntry
	sel   *widget.Select
	// listed: the select is in use (the list is there); else the entry.
	listed bool
	// loading: the entry stands in, disabled, while the list loads.
	loading, disabled bool

	values, labels []string
	// none is the label of "no choice" (empty: a choice is expected).
	none string
	// missing is the stored text the "(niet gevonden)" label stands for.
	missing string
	// saved is the stored text show last put on the screen.
	saved string
	// same reports whether two stored texts name the same choice (a cost
	// centre by its id, whatever description it was saved with).
	same func(a, b string) bool
	// missingName is how a stored text not in the list is named.
	missingName func(v string) string
}

// newPicker builds a picker for the setting key on tab; changed marks the
// form changed.
func (b *settingsBuilder) addPicker(key string, tab int, changed func()) *picker {
	p := &picker{entry: b.u.newEntry(false), same: func(a, c string) bool { return a == c },
		missingName: func(v string) string { return v }}
	p.entry.OnChanged = func(string) { changed() }
	p.sel = widget.NewSelect(nil, func(string) { changed() })
	p.sel.Hide()
	p.fd = &settingField{key: key, tab: tab, focus: p.entry, err: newErrorText(), value: p.value, show: p.show}
	b.f.fields = append(b.f.fields, p.fd)
	return p
}

// object is the picker's widget: the entry or the select, one hidden.
func (p *picker) object() fyne.CanvasObject { return container.NewStack(p.entry, p.sel) }

// value is the stored text the screen holds.
func (p *picker) value() string {
	if !p.listed {
		return strings.TrimSpace(p.entry.Text)
	}
	s := p.sel.Selected
	if i := slices.Index(p.labels, s); i >= 0 {
		if p.same(p.values[i], p.saved) {
			return p.saved // unchanged, even if its description changed since
		}
		return p.values[i]
	}
	if p.missing != "" && s == p.notFound(p.missing) {
		return p.missing
	}
	return "" // none, or nothing chosen
}

// show puts a stored text on the screen.
func (p *picker) show(v string) {
	p.saved = v
	p.entry.SetText(v)
	if p.listed {
		p.choose(v)
	}
}

func (p *picker) notFound(v string) string {
	return tr("export.choices.notfound", map[string]any{"Name": p.missingName(v)})
}

// choose selects v among the list's options, adding it as not found when
// the list lacks it.
func (p *picker) choose(v string) {
	opts := slices.Clone(p.labels)
	if p.none != "" {
		opts = append([]string{p.none}, opts...)
	}
	p.missing = ""
	label := ""
	switch i := slices.IndexFunc(p.values, func(x string) bool { return p.same(x, v) }); {
	case i >= 0:
		label = p.labels[i]
	case v == "":
		label = p.none
	default:
		p.missing = v
		label = p.notFound(v)
		opts = append(opts, label)
	}
	p.sel.SetOptions(opts)
	p.sel.SetSelected(label)
}

// setList switches to the select with values labelled labels, keeping the
// text the entry holds (the saved one, or what the user typed meanwhile).
func (p *picker) setList(values, labels []string) {
	cur := p.value()
	p.values, p.labels = values, labels
	p.listed, p.loading = true, false
	p.choose(cur)
	p.entry.Hide()
	p.sel.Show()
	p.fd.focus = p.sel
	p.apply()
}

// setTyped switches to the entry (SOAP road, or the list failed to load);
// loading disables it until the list is there.
func (p *picker) setTyped(loading bool) {
	if p.listed {
		p.entry.SetText(p.value())
	}
	p.listed, p.loading = false, loading
	p.missing = ""
	p.sel.Hide()
	p.entry.Show()
	p.fd.focus = p.entry
	p.apply()
}

// Enable and Disable follow the Factuur check box (fyne.Disableable).
func (p *picker) Enable()  { p.disabled = false; p.apply() }
func (p *picker) Disable() { p.disabled = true; p.apply() }

// Disabled reports whether the Factuur check box disabled the picker.
func (p *picker) Disabled() bool { return p.disabled }

func (p *picker) apply() {
	if p.disabled || p.loading {
		p.entry.Disable()
	} else {
		p.entry.Enable()
	}
	if p.disabled {
		p.sel.Disable()
	} else {
		p.sel.Enable()
	}
}

// choices is the pickers' share of the Export tab: the three pickers, the
// line that says the lists are loading or why they are not there, and the
// cost centre's row, in the form only on the REST road.
type choices struct {
	template, ledger, costCentre *picker
	note                         *widget.Label
	retry                        *widget.Button
	line                         *fyne.Container
	form                         *widget.Form
	costItem                     *widget.FormItem
	// loadedFor are the credentials the lists were last asked for; ok
	// says they came.
	loadedFor secrets.Credentials
	loading   bool
	ok        bool
	// emailTemplate is the e-mail template (REST road, emailsettings.go).
	emailTemplate *picker
	// onRoad shows the rows that exist on the REST road only (rest) or
	// hides them; called whenever the cost centre's row is.
	onRoad func(rest bool)
}

// newChoices builds the pickers of the Export tab.
func (b *settingsBuilder) newChoices() *choices {
	changed := b.u.settingChanged
	c := &choices{
		template:   b.addPicker(store.KeyTemplate, tabExport, changed),
		ledger:     b.addPicker(store.KeyDefaultLedger, tabExport, changed),
		costCentre: b.addPicker(store.KeyCostCentre, tabExport, changed),
		note:       hint(""),
	}
	c.emailTemplate = b.addEmailTemplatePicker(changed)
	c.note.Wrapping = fyne.TextWrapWord
	c.retry = widget.NewButton(tr("export.choices.retry"), func() { b.u.loadChoices(true) })
	c.line = container.NewBorder(nil, nil, nil, c.retry, c.note)
	c.line.Hide()
	cc := c.costCentre
	cc.none = tr("export.costcentre.none")
	cc.same = func(a, v string) bool {
		ida, _, errA := store.ParseCostCentre(a)
		idb, _, errB := store.ParseCostCentre(v)
		return errA == nil && errB == nil && ida == idb
	}
	cc.missingName = func(v string) string {
		if id, desc, err := store.ParseCostCentre(v); err == nil && desc != "" && id != 0 {
			return desc
		}
		return v
	}
	return c
}

// say shows text on the choices' line (empty hides it), with the retry
// button when retry.
func (c *choices) say(text string, retry bool) {
	c.note.SetText(text)
	c.line.Hidden = text == ""
	c.retry.Hidden = !retry
	c.line.Refresh()
}

// showCostCentre puts the cost centre's row in the form (the form's last
// row) or takes it out.
func (c *choices) showCostCentre(on bool) {
	if c.onRoad != nil {
		c.onRoad(on)
	}
	has := len(c.form.Items) > 0 && c.form.Items[len(c.form.Items)-1] == c.costItem
	switch {
	case on && !has:
		c.form.AppendItem(c.costItem)
	case !on && has:
		c.form.Items = c.form.Items[:len(c.form.Items)-1]
		c.form.Refresh()
	}
}

// typed puts the three settings in their typed form (the SOAP road).
func (c *choices) typed() {
	for _, p := range c.all() {
		p.setTyped(false)
	}
	c.showCostCentre(false)
	c.say("", false)
}

// setLists fills the pickers with the administration's lists: all three
// on the REST road, the ledger only on the SOAP road.
func (c *choices) setLists(ch report.SettingChoices, rest bool) {
	if rest {
		c.template.setList(ch.Templates, ch.Templates)
	} else {
		c.template.setTyped(false)
	}
	var codes, ledgers []string
	for _, l := range ch.Ledgers {
		codes = append(codes, l.Code)
		ledgers = append(ledgers, strings.TrimSpace(l.Code+" "+l.Description))
	}
	c.ledger.setList(codes, ledgers)
	c.showCostCentre(rest)
	c.say("", false)
	if !rest {
		c.costCentre.setTyped(false)
		c.emailTemplate.setTyped(false)
		return
	}
	var ids, centres []string
	for _, cc := range ch.CostCentres {
		ids = append(ids, store.CostCentreValue(cc.ID, cc.Description))
		label := cc.Path
		if label == "" {
			label = cc.Description
		}
		centres = append(centres, label)
	}
	c.costCentre.setList(ids, centres)
	c.setEmailTemplates(ch.EmailTemplates)
}

// all are every picker of the Export tab.
func (c *choices) all() []*picker {
	return []*picker{c.template, c.ledger, c.costCentre, c.emailTemplate}
}

// listed are the pickers that take a list on the road.
func (c *choices) listed(rest bool) []*picker {
	if rest {
		return []*picker{c.template, c.ledger, c.costCentre, c.emailTemplate}
	}
	return []*picker{c.ledger}
}

// roadText is the text key for the road: key, or key + ".soap".
func roadText(key string, rest bool) string {
	if rest {
		return key
	}
	return key + ".soap"
}

// loadChoices loads the pickers' lists for the saved credentials' road
// when they are not there for them yet (force: load again anyway), and
// puts the typed fields back without a complete e-Boekhouden login. The
// window stays usable meanwhile: the typed fields stand in, disabled,
// under a line that says the lists are loading.
func (u *UI) loadChoices(force bool) {
	c := u.settings.choices
	creds := u.savedCreds
	if !creds.EBoekhoudenComplete() {
		c.loadedFor, c.ok = creds, false
		c.typed()
		u.relayout()
		return
	}
	if c.loading || (!force && c.ok && c.loadedFor == creds) {
		return
	}
	rest := creds.EBoekhoudenREST()
	c.loadedFor, c.loading, c.ok = creds, true, false
	c.typed()
	for _, p := range c.listed(rest) {
		p.setTyped(true)
	}
	c.showCostCentre(rest)
	c.say(tr(roadText("export.choices.loading", rest)), false)
	u.relayout()
	b := u.b
	u.async(func() {
		ch, err := b.SettingChoices(u.ctx)
		u.onMain(func() {
			defer u.relayout()
			c.loading = false
			if u.savedCreds != creds || u.b != b {
				u.loadChoices(false) // the login or the link changed meanwhile
				return
			}
			if err != nil {
				for _, p := range c.all() {
					p.setTyped(false)
				}
				c.say(tr(roadText("export.choices.failed", rest), map[string]any{"Error": u.errorText(err)}), true)
				return
			}
			c.ok = true
			c.setLists(ch, rest)
			u.updateDirty()
		})
	})
}
