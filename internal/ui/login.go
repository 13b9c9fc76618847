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
	submit             *widget.Button
	result             *widget.Label
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
		tokenErr: newErrorText(), softwareTokenErr: newErrorText(),
		where: hint(tr("login.eboekhouden.where")),
	}
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
	for _, e := range []errorText{f.usernameErr, f.code1Err, f.code2Err, f.apiTokenErr, f.tokenErr, f.softwareTokenErr} {
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
	data := map[string]any{"Service": string(p.Service), "Field": tr("field." + string(p.Field)), "Detail": p.Detail}
	if p.Field == report.FieldAPIToken && p.Kind == report.ProblemRefused {
		// Unknown, revoked or expired alike: only a new token helps.
		return tr("login.problem.apitoken.refused", data)
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
	f.submit.Disable()
	f.clearProblems()
	f.showResult(tr("login.checking"), false)
	u.relayout()
	// The link whose form this is: another may be selected before the
	// check ends (links_panel.go), and these credentials are this one's.
	b := u.b
	u.async(func() {
		problem := b.CheckLogin(u.ctx, c)
		var saveErr error
		if problem == nil {
			saveErr = b.SaveCredentials(c)
		}
		u.onMain(func() {
			defer u.relayout()
			f.submit.Enable()
			switch {
			case u.b != b:
				// Another link shows now; its form stays its own.
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
