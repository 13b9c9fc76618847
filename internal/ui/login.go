package ui

import (
	"errors"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/koppeling/koppeling/internal/report"
	"github.com/koppeling/koppeling/internal/secrets"
)

// loginForm is the Inloggen tab (the manual's AUTHENTICATION screen): the
// credentials of both services and Submit, which tests them and keeps them
// in the keychain. e-Boekhouden has two roads (road): the manual's three
// fields (SOAP) or an API token of the REST API; the form shows the
// chosen road's fields and keeps the other's values.
type loginForm struct {
	username, code1, code2          *formEntry
	apiToken                        *formEntry
	companyID, token, softwareToken *formEntry
	usernameErr, code1Err, code2Err errorText
	apiTokenErr                     errorText
	tokenErr, softwareTokenErr      errorText
	// road chooses between the SOAP fields and the API token; where says
	// where the chosen road's values are found in e-Boekhouden.nl.
	road  *widget.RadioGroup
	where *widget.Label
	// soapRows and restRows are the rows of each road (label and field),
	// shown while that road is chosen.
	soapRows, restRows []fyne.CanvasObject
	// admin chooses, on the SOAP road of an accountant's account, the
	// administration the codes open: the account's own (option 0) or one
	// of adminList, the linked ones (issue 18). Its rows show while the road
	// is SOAP and adminList is not empty: once a Submit found linked
	// administrations, or when the kept credentials name one.
	admin     *widget.Select
	adminList []report.Administration
	adminErr  errorText
	adminRows []fyne.CanvasObject
	submit    *widget.Button
	result    *widget.Label
	// pending says that the fields differ from the kept credentials and
	// that Submit keeps them: they are not unsaved settings.
	pending *widget.Label
	tab     fyne.CanvasObject
}

func (u *UI) newLoginForm() *loginForm {
	f := &loginForm{
		username: u.newEntry(false), code1: u.newEntry(true), code2: u.newEntry(true),
		apiToken:  u.newEntry(true),
		companyID: u.newEntry(false), token: u.newEntry(true), softwareToken: u.newEntry(true),
		usernameErr: newErrorText(), code1Err: newErrorText(), code2Err: newErrorText(), apiTokenErr: newErrorText(),
		tokenErr: newErrorText(), softwareTokenErr: newErrorText(), adminErr: newErrorText(),
		where: hint(tr("login.eboekhouden.where")),
	}
	f.admin = widget.NewSelect(nil, func(string) { u.loginChanged() })
	f.admin.PlaceHolder = tr("login.administration.placeholder")
	f.adminRows = []fyne.CanvasObject{formLabel(tr("login.administration")),
		container.NewVBox(f.admin, hint(tr("login.administration.hint")), f.adminErr)}
	for _, e := range f.entries() {
		e.OnChanged = func(string) { u.loginChanged() }
		e.OnSubmitted = func(string) { u.submitLogin() }
	}
	f.submit = widget.NewButton(tr("login.submit"), u.submitLogin)
	f.submit.Importance = widget.HighImportance
	f.result = widget.NewLabel("")
	f.result.Wrapping = fyne.TextWrapWord
	f.result.Hide()
	f.pending = hint(tr("login.pending"))
	f.pending.Hide()

	withErr := func(e *formEntry, msg errorText) fyne.CanvasObject { return container.NewVBox(e, msg) }
	softwareToken := withErr(f.softwareToken, f.softwareTokenErr)
	if u.opts.BuiltInSoftwareToken {
		softwareToken = container.NewVBox(f.softwareToken, hint(tr("login.softwaretoken.builtin")), f.softwareTokenErr)
	}
	f.road = widget.NewRadioGroup([]string{tr("login.road.soap"), tr("login.road.rest")}, func(string) { u.roadChanged() })
	f.road.Horizontal, f.road.Required = true, true
	f.road.SetSelected(tr("login.road.soap"))
	f.soapRows = []fyne.CanvasObject{
		formLabel(tr("login.username")), withErr(f.username, f.usernameErr),
		formLabel(tr("login.code1")), withErr(f.code1, f.code1Err),
		formLabel(tr("login.code2")), withErr(f.code2, f.code2Err),
	}
	apiToken := container.NewVBox(f.apiToken, f.apiTokenErr)
	if u.opts.DemoAPIToken != "" {
		apiToken.Add(hint(tr("login.apitoken.demo", map[string]any{"Token": u.opts.DemoAPIToken})))
	}
	f.restRows = []fyne.CanvasObject{formLabel(tr("login.apitoken")), apiToken}
	rows := append([]fyne.CanvasObject{heading(tr("login.eboekhouden")), f.where}, f.soapRows...)
	rows = append(rows, f.adminRows...)
	rows = append(rows, f.restRows...)
	// One form layout for both services, so that their fields line up.
	form := container.New(layout.NewFormLayout(), append(rows,
		heading(tr("login.outsmart")), hint(tr("login.outsmart.where")),
		formLabel(tr("login.companyid")), f.companyID,
		formLabel(tr("login.token")), withErr(f.token, f.tokenErr),
		formLabel(tr("login.softwaretoken")), softwareToken,
		// What Submit will do or did goes beside it, not under it, so that
		// the form keeps its height.
		layout.NewSpacer(), container.NewBorder(nil, nil, container.NewVBox(f.submit), nil,
			container.NewVBox(f.pending, f.result)),
	)...)
	// The road's choice shares the title's line, so that the form keeps
	// the height it had with one road and fits the window.
	f.tab = container.NewVBox(container.NewBorder(nil, nil, title(tr("login.heading")),
		container.NewHBox(formLabel(tr("login.road")), f.road)), form)
	f.showRoad()
	return f
}

func (f *loginForm) entries() []*formEntry {
	return []*formEntry{f.username, f.code1, f.code2, f.apiToken, f.companyID, f.token, f.softwareToken}
}

// firstField is the field a user starts with on the chosen road.
func (f *loginForm) firstField() *formEntry {
	if f.rest() {
		return f.apiToken
	}
	return f.username
}

// rest reports whether the API token's road is chosen.
func (f *loginForm) rest() bool { return f.road.Selected == tr("login.road.rest") }

// credentials returns what the form holds: the values of both roads, the
// API token only while its road is chosen (its presence chooses the road,
// secrets.Credentials.EBoekhoudenREST). The SOAP values stay with a token,
// so that going back to them loses nothing.
func (f *loginForm) credentials() secrets.Credentials {
	v := func(e *formEntry) string { return strings.TrimSpace(e.Text) }
	c := secrets.Credentials{
		EBoekhoudenUsername: v(f.username), EBoekhoudenSecurityCode1: v(f.code1), EBoekhoudenSecurityCode2: v(f.code2),
		OutSmartCompanyID: v(f.companyID), OutSmartToken: v(f.token), OutSmartSoftwareToken: v(f.softwareToken),
	}
	if f.rest() {
		c.EBoekhoudenAPIToken = v(f.apiToken)
	} else if a := f.chosenAdministration(); a != nil {
		c.EBoekhoudenAdministration, c.EBoekhoudenAdministrationName = a.GUID, a.Label()
	}
	return c
}

// show puts stored credentials in the form, on the road they take.
func (f *loginForm) show(c secrets.Credentials) {
	f.username.SetText(c.EBoekhoudenUsername)
	f.code1.SetText(c.EBoekhoudenSecurityCode1)
	f.code2.SetText(c.EBoekhoudenSecurityCode2)
	f.apiToken.SetText(c.EBoekhoudenAPIToken)
	f.companyID.SetText(c.OutSmartCompanyID)
	f.token.SetText(c.OutSmartToken)
	f.softwareToken.SetText(c.OutSmartSoftwareToken)
	road := tr("login.road.soap")
	if c.EBoekhoudenREST() {
		road = tr("login.road.rest")
	}
	f.setAdministrations(nil, c)
	f.road.SetSelected(road) // calls roadChanged when it changes
	f.showRoad()
	f.clearProblems()
}

// showRoad shows the chosen road's rows and where its values are found.
func (f *loginForm) showRoad() {
	rest := f.rest()
	for _, o := range f.soapRows {
		setShown(o, !rest)
	}
	for _, o := range f.restRows {
		setShown(o, rest)
	}
	for _, o := range f.adminRows {
		setShown(o, !rest && len(f.adminList) > 0)
	}
	if rest {
		f.where.SetText(tr("login.apitoken.where"))
	} else {
		f.where.SetText(tr("login.eboekhouden.where"))
	}
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, shown bool) {
	if shown {
		o.Show()
	} else {
		o.Hide()
	}
}

func (f *loginForm) clearProblems() {
	for _, e := range []errorText{f.usernameErr, f.code1Err, f.code2Err, f.apiTokenErr, f.tokenErr, f.softwareTokenErr, f.adminErr} {
		e.set("")
	}
}

// markProblem shows msg under the field the problem is about and returns the
// entry to focus (nil when the problem is not about one field).
func (f *loginForm) markProblem(p *report.LoginProblem, msg string) *formEntry {
	f.clearProblems()
	switch p.Field {
	case report.FieldUsername:
		f.usernameErr.set(msg)
		return f.username
	case report.FieldSecurityCode1:
		f.code1Err.set(msg)
		return f.code1
	case report.FieldSecurityCode2:
		f.code2Err.set(msg)
		return f.code2
	case report.FieldSecurityCodes:
		f.code2Err.set(msg)
		return f.username
	case report.FieldAPIToken:
		f.apiTokenErr.set(msg)
		return f.apiToken
	case report.FieldToken:
		f.tokenErr.set(msg)
		return f.token
	case report.FieldSoftwareToken:
		f.softwareTokenErr.set(msg)
		return f.softwareToken
	case report.FieldAdministration:
		f.adminErr.set(msg)
	}
	return nil
}

// showResult shows the outcome of Submit under the button.
func (f *loginForm) showResult(text string, problem bool) {
	f.result.SetText(text)
	f.result.Importance = widget.SuccessImportance
	if problem {
		f.result.Importance = widget.DangerImportance
	}
	f.result.Show()
	f.result.Refresh()
}

// problemText says what is wrong with a login in the window's language,
// naming the service and the field; it never holds a secret (Detail is
// redacted by the services package).
func problemText(p *report.LoginProblem) string {
	data := map[string]any{"Service": string(p.Service), "Field": "", "Detail": p.Detail}
	if p.Field != "" { // a problem of the service as a whole names no field
		data["Field"] = tr("field." + string(p.Field))
	}
	if p.Field == report.FieldAPIToken && p.Kind == report.ProblemRefused {
		// Unknown, revoked or expired alike: only a new token helps.
		return tr("login.problem.apitoken.refused", data)
	}
	if p.Field == report.FieldAdministration && p.Kind == report.ProblemRefused {
		return tr("login.problem.administration.refused", data)
	}
	switch p.Kind {
	case report.ProblemMissing:
		return tr("login.problem.missing", data)
	case report.ProblemRefused:
		return tr("login.problem.refused", data)
	case report.ProblemUnreachable:
		return tr("login.problem.unreachable", data)
	case report.ProblemNotTheService:
		return tr("login.problem.nottheservice", data)
	}
	return tr("login.problem.invalid", data)
}

// loginChanged follows an edit of a login field or the road: it says
// whether Submit has yet to keep what the fields hold, and that it
// removes the kept API token when the road of the three codes is chosen.
func (u *UI) loginChanged() {
	f := u.login
	if f == nil || f.pending == nil {
		return // still building
	}
	c := f.credentials()
	text := tr("login.pending")
	if u.savedCreds.EBoekhoudenREST() && !c.EBoekhoudenREST() {
		text = tr("login.pending.removestoken")
	}
	if f.pending.Text != text {
		f.pending.SetText(text)
	}
	if c != u.savedCreds {
		if !f.pending.Visible() {
			f.pending.Show()
			u.relayout()
		}
	} else if f.pending.Visible() {
		f.pending.Hide()
		u.relayout()
	}
}

// roadChanged follows a change of road: it shows that road's fields
// (without the answer of an earlier Submit, which was about the other), and,
// in the demo, fills in the demo's API token when the token's road is
// chosen with an empty field, so that the demo can be tried on either road.
func (u *UI) roadChanged() {
	f := u.login
	if f == nil || f.pending == nil {
		return // still building
	}
	if f.rest() && f.apiToken.Text == "" && u.opts.DemoAPIToken != "" {
		f.apiToken.SetText(u.opts.DemoAPIToken)
	}
	f.showRoad()
	f.clearProblems()
	f.result.Hide() // the answer of a Submit on the other road
	u.loginChanged()
	u.relayout()
}

// keychainText says what went wrong with the keychain in the window's
// language: its cause and what to do (secrets.Problem).
func (u *UI) keychainText(err error) string { return secrets.Problem(err).Render(u.messageLang()) }

// errorText is an error of the login's parts as the window says it: a
// login problem or a keychain failure in the window's language, anything
// else as it is.
func (u *UI) errorText(err error) string {
	var p *report.LoginProblem
	switch {
	case errors.As(err, &p):
		return problemText(p)
	case errors.Is(err, secrets.ErrKeychain):
		return u.keychainText(err)
	}
	return err.Error()
}

// keychainAdvice says what to install or do when the system keychain
// cannot be reached on this kind of computer.
func keychainAdvice() string {
	switch runtime.GOOS {
	case "windows":
		return tr("login.keychain.advice.windows")
	case "darwin":
		return tr("login.keychain.advice.darwin")
	}
	return tr("login.keychain.advice.linux")
}

// submitLogin tests the credentials on the form against both services and,
// when both accept them, keeps them in the keychain and says so.
func (u *UI) submitLogin() {
	f := u.login
	c := f.credentials()
	if f.rest() && c.EBoekhoudenAPIToken == "" {
		// Without a token the credentials would be the SOAP road's: say
		// what the chosen road misses instead.
		p := &report.LoginProblem{Service: report.EBoekhouden, Kind: report.ProblemMissing, Field: report.FieldAPIToken}
		msg := problemText(p)
		f.showResult(msg, true)
		d := showMessage(u.win, tr("login.failed.title"), msg)
		e := f.markProblem(p, msg)
		d.SetOnClosed(func() { u.win.Canvas().Focus(e) })
		u.relayout()
		return
	}
	if !f.rest() && len(f.adminList) > 0 && f.admin.SelectedIndex() < 0 {
		// The choice is offered but not made: ask for it, send nothing.
		u.askAdministration()
		return
	}
	offered := !f.rest() && len(f.adminList) > 0
	f.submit.Disable()
	f.clearProblems()
	f.showResult(tr("login.checking"), false)
	u.relayout()
	// The link whose form this is: another may be selected before the
	// check ends (links_panel.go), and these credentials are this one's.
	b := u.b
	u.async(func() {
		o := u.checkLoginAndSave(b, c, offered)
		problem, saveErr := o.problem, o.saveErr
		u.onMain(func() {
			defer u.relayout()
			f.submit.Enable()
			if u.b != b {
				return // another link shows now; its form stays its own
			}
			if o.listed {
				f.setAdministrations(o.admins, c)
				f.showRoad()
				u.loginChanged()
			}
			switch {
			case o.choose:
				u.askAdministration()
			case problem != nil:
				msg := problemText(problem)
				f.showResult(msg, true)
				d := showMessage(u.win, tr("login.failed.title"), msg)
				if e := f.markProblem(problem, msg); e != nil {
					d.SetOnClosed(func() { u.win.Canvas().Focus(e) })
				}
			case saveErr != nil:
				msg := tr("login.keychain.failed", map[string]any{"Error": u.keychainText(saveErr)})
				f.showResult(msg, true)
				showMessage(u.win, tr("login.failed.title"), msg)
			default:
				u.savedCreds = c
				u.demoFollowRoad()
				u.loginChanged()
				u.updateDirty()
				f.showResult(tr("login.ok.line"), false)
				showMessage(u.win, tr("login.ok.title"), tr("login.ok.body"))
				u.loadWorkflowStatuses()
			}
		})
	})
}

// loginOutcome is what a Submit found: the check's problem, the keychain's
// failure, and on the SOAP road the account's linked administrations.
type loginOutcome struct {
	problem *report.LoginProblem
	saveErr error
	// admins are the linked administrations e-Boekhouden listed; listed
	// says that it did (a list that could not be read is a problem).
	admins []report.Administration
	listed bool
	// choose says that there are linked administrations and the form did
	// not offer the choice yet: nothing was kept, the user chooses first.
	choose bool
}

// checkLoginAndSave checks c and keeps it when it is accepted. On the SOAP
// road it also lists the account's linked administrations, after accepted
// codes (or codes accepted with a refused choice, so that another can be
// chosen); when there are some and offered is false, the choice comes
// first and nothing is kept. It runs off the UI thread.
func (u *UI) checkLoginAndSave(b Backend, c secrets.Credentials, offered bool) loginOutcome {
	var o loginOutcome
	o.problem = b.CheckLogin(u.ctx, c)
	if !c.EBoekhoudenREST() && (o.problem == nil || o.problem.Field == report.FieldAdministration) {
		admins, p := b.Administrations(u.ctx, c)
		switch {
		case p == nil:
			o.admins, o.listed = admins, true
		case o.problem == nil:
			o.problem = p
		}
	}
	o.choose = o.problem == nil && len(o.admins) > 0 && !offered
	if o.problem == nil && !o.choose {
		o.saveErr = b.SaveCredentials(c)
	}
	return o
}

// askAdministration says that the administration is to be chosen, under
// the choice and beside Submit, and puts the cursor on it.
func (u *UI) askAdministration() {
	f := u.login
	msg := tr("login.administration.choose")
	f.clearProblems()
	f.adminErr.set(msg)
	f.showResult(msg, true)
	u.win.Canvas().Focus(f.admin)
	u.relayout()
}

// setAdministrations offers the account's own administration and list (the
// linked ones, in e-Boekhouden's order) and selects c's choice. A kept
// choice the list does not hold stays offered while no list is known (a
// form just loaded); after a check that refused it, nothing is selected.
func (f *loginForm) setAdministrations(list []report.Administration, c secrets.Credentials) {
	guid := c.EBoekhoudenAdministration
	found := guid == ""
	for _, a := range list {
		found = found || strings.EqualFold(a.GUID, guid)
	}
	if !found && list == nil {
		list = []report.Administration{{GUID: guid, Company: c.EBoekhoudenAdministrationName}}
		if c.EBoekhoudenAdministrationName == "" {
			list[0].Company = guid
		}
		found = true
	}
	f.adminList = list
	options := []string{tr("login.administration.own")}
	seen := map[string]bool{options[0]: true}
	for _, a := range list {
		label := a.Label()
		if seen[label] {
			label += " (" + a.GUID + ")" // two administrations of one name
		}
		seen[label] = true
		options = append(options, label)
	}
	f.admin.Options = options
	f.admin.ClearSelected()
	switch {
	case !found:
	case guid == "":
		f.admin.SetSelectedIndex(0)
	default:
		for i, a := range list {
			if strings.EqualFold(a.GUID, guid) {
				f.admin.SetSelectedIndex(i + 1)
			}
		}
	}
	f.admin.Refresh()
}

// chosenAdministration is the linked administration chosen, nil for the
// account's own (or no choice).
func (f *loginForm) chosenAdministration() *report.Administration {
	i := f.admin.SelectedIndex()
	if i < 1 || i > len(f.adminList) {
		return nil
	}
	return &f.adminList[i-1]
}
