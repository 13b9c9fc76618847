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
// in the keychain.
type loginForm struct {
	username, code1, code2          *formEntry
	companyID, token, softwareToken *formEntry
	usernameErr, code1Err, code2Err errorText
	tokenErr, softwareTokenErr      errorText
	submit                          *widget.Button
	result                          *widget.Label
	// pending says that the fields differ from the kept credentials and
	// that Submit keeps them: they are not unsaved settings.
	pending *widget.Label
	tab     fyne.CanvasObject
}

func (u *UI) newLoginForm() *loginForm {
	f := &loginForm{
		username: u.newEntry(false), code1: u.newEntry(true), code2: u.newEntry(true),
		companyID: u.newEntry(false), token: u.newEntry(true), softwareToken: u.newEntry(true),
		usernameErr: newErrorText(), code1Err: newErrorText(), code2Err: newErrorText(),
		tokenErr: newErrorText(), softwareTokenErr: newErrorText(),
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
	// One form layout for both services, so that their fields line up.
	form := container.New(layout.NewFormLayout(),
		heading(tr("login.eboekhouden")), hint(tr("login.eboekhouden.where")),
		formLabel(tr("login.username")), withErr(f.username, f.usernameErr),
		formLabel(tr("login.code1")), withErr(f.code1, f.code1Err),
		formLabel(tr("login.code2")), withErr(f.code2, f.code2Err),
		heading(tr("login.outsmart")), hint(tr("login.outsmart.where")),
		formLabel(tr("login.companyid")), f.companyID,
		formLabel(tr("login.token")), withErr(f.token, f.tokenErr),
		formLabel(tr("login.softwaretoken")), softwareToken,
		// What Submit will do or did goes beside it, not under it, so that
		// the form keeps its height.
		layout.NewSpacer(), container.NewBorder(nil, nil, container.NewVBox(f.submit), nil,
			container.NewVBox(f.pending, f.result)),
	)
	f.tab = container.NewVBox(title(tr("login.heading")), form)
	return f
}

func (f *loginForm) entries() []*formEntry {
	return []*formEntry{f.username, f.code1, f.code2, f.companyID, f.token, f.softwareToken}
}

// credentials returns what the form holds.
func (f *loginForm) credentials() secrets.Credentials {
	v := func(e *formEntry) string { return strings.TrimSpace(e.Text) }
	return secrets.Credentials{
		EBoekhoudenUsername: v(f.username), EBoekhoudenSecurityCode1: v(f.code1), EBoekhoudenSecurityCode2: v(f.code2),
		OutSmartCompanyID: v(f.companyID), OutSmartToken: v(f.token), OutSmartSoftwareToken: v(f.softwareToken),
	}
}

// show puts stored credentials in the form.
func (f *loginForm) show(c secrets.Credentials) {
	f.username.SetText(c.EBoekhoudenUsername)
	f.code1.SetText(c.EBoekhoudenSecurityCode1)
	f.code2.SetText(c.EBoekhoudenSecurityCode2)
	f.companyID.SetText(c.OutSmartCompanyID)
	f.token.SetText(c.OutSmartToken)
	f.softwareToken.SetText(c.OutSmartSoftwareToken)
	f.clearProblems()
}

func (f *loginForm) clearProblems() {
	for _, e := range []errorText{f.usernameErr, f.code1Err, f.code2Err, f.tokenErr, f.softwareTokenErr} {
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

// loginChanged follows an edit of a login field: it says whether Submit
// has yet to keep what the fields hold.
func (u *UI) loginChanged() {
	f := u.login
	if f == nil || f.pending == nil {
		return // still building
	}
	if f.credentials() != u.savedCreds {
		if !f.pending.Visible() {
			f.pending.Show()
			u.relayout()
		}
	} else if f.pending.Visible() {
		f.pending.Hide()
		u.relayout()
	}
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
	f.submit.Disable()
	f.clearProblems()
	f.showResult(tr("login.checking"), false)
	u.relayout()
	u.async(func() {
		problem := u.b.CheckLogin(u.ctx, c)
		var saveErr error
		if problem == nil {
			saveErr = u.b.SaveCredentials(c)
		}
		u.onMain(func() {
			defer u.relayout()
			f.submit.Enable()
			switch {
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
				u.loginChanged()
				u.updateDirty()
				f.showResult(tr("login.ok.line"), false)
				showMessage(u.win, tr("login.ok.title"), tr("login.ok.body"))
				u.loadWorkflowStatuses()
			}
		})
	})
}
