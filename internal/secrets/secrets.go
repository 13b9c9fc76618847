// Package secrets owns the user's credentials for both services: it keeps
// them in the operating system's keychain (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux) through github.com/zalando/go-keyring,
// and lets environment variables override them on machines without a
// keychain. Credentials never leave this package except to the API clients:
// not to the store, the log, stdout or an error message.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/zalando/go-keyring"

	"github.com/koppeling/koppeling/internal/message"
	"github.com/koppeling/koppeling/internal/redact"
)

// Credentials are what the login screen asks for.
type Credentials struct {
	EBoekhoudenUsername      string `json:"eb_username"`
	EBoekhoudenSecurityCode1 string `json:"eb_security_code_1"`
	EBoekhoudenSecurityCode2 string `json:"eb_security_code_2"`
	// EBoekhoudenAPIToken is an API token of e-Boekhouden's REST API (made
	// under Beheer > Inrichting > Koppelingen > e-Boekhouden API). When it
	// is set, the REST road is used and the three SOAP values above are not
	// needed.
	EBoekhoudenAPIToken string `json:"eb_api_token,omitempty"`
	// EBoekhoudenAdministration is, on the SOAP road, the GUID of the linked
	// administration of an accountant's account that the three codes open
	// (GetAdministraties, OpenSessionSub); empty for the account's own
	// administration. Not a secret, but it belongs with the codes: it says
	// which administration they open. The REST road does not use it (an API
	// token belongs to one administration).
	EBoekhoudenAdministration string `json:"eb_administration,omitempty"`
	// EBoekhoudenAdministrationName is that administration's company and
	// city as GetAdministraties listed them, for display only.
	EBoekhoudenAdministrationName string `json:"eb_administration_name,omitempty"`
	OutSmartCompanyID             string `json:"os_company_id"` // "Bedrijfs id"; not a secret, kept with the rest
	OutSmartToken                 string `json:"os_token"`
	OutSmartSoftwareToken         string `json:"os_software_token"`
}

// Secrets returns the secret values that are set, for a redactor.
func (c Credentials) Secrets() []string {
	var out []string
	for _, v := range []string{c.EBoekhoudenSecurityCode1, c.EBoekhoudenSecurityCode2, c.EBoekhoudenAPIToken, c.OutSmartToken, c.OutSmartSoftwareToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// EBoekhoudenREST reports whether the REST road is used: an API token is
// set. Otherwise the SOAP road is, with the three values of the manual.
func (c Credentials) EBoekhoudenREST() bool {
	return c.EBoekhoudenAPIToken != ""
}

// EBoekhoudenComplete reports whether e-Boekhouden can be logged in to on
// the road in use: an API token (REST), or else all three SOAP values.
func (c Credentials) EBoekhoudenComplete() bool {
	if c.EBoekhoudenREST() {
		return true
	}
	return c.EBoekhoudenUsername != "" && c.EBoekhoudenSecurityCode1 != "" && c.EBoekhoudenSecurityCode2 != ""
}

// OutSmartComplete reports whether both OutSmart tokens are set.
func (c Credentials) OutSmartComplete() bool {
	return c.OutSmartToken != "" && c.OutSmartSoftwareToken != ""
}

// String never prints a secret, so that a stray %v cannot leak one.
func (c Credentials) String() string {
	mark := func(v string) string {
		if v == "" {
			return "leeg"
		}
		return "ingesteld"
	}
	admin := ""
	if c.EBoekhoudenAdministration != "" {
		admin = fmt.Sprintf(", administratie %q", c.EBoekhoudenAdministration)
	}
	return fmt.Sprintf("e-Boekhouden gebruiker %q, beveiligingscode 1 %s, beveiligingscode 2 %s, API-token %s%s; OutSmart bedrijfs id %q, token %s, software token %s",
		c.EBoekhoudenUsername, mark(c.EBoekhoudenSecurityCode1), mark(c.EBoekhoudenSecurityCode2), mark(c.EBoekhoudenAPIToken), admin,
		c.OutSmartCompanyID, mark(c.OutSmartToken), mark(c.OutSmartSoftwareToken))
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Environment variables that override the keychain, field by field.
const (
	EnvEBoekhoudenUsername      = "KOPPELING_EB_USERNAME"
	EnvEBoekhoudenSecurityCode1 = "KOPPELING_EB_SECURITYCODE1"
	EnvEBoekhoudenSecurityCode2 = "KOPPELING_EB_SECURITYCODE2"
	EnvEBoekhoudenAPIToken      = "KOPPELING_EB_API_TOKEN"
	// EnvEBoekhoudenAdministration is the GUID of the linked administration
	// (EBoekhoudenAdministration) on the SOAP road.
	EnvEBoekhoudenAdministration = "KOPPELING_EB_ADMINISTRATION"
	EnvOutSmartCompanyID         = "KOPPELING_OUTSMART_COMPANY_ID"
	EnvOutSmartToken             = "KOPPELING_OUTSMART_TOKEN"
	EnvOutSmartSoftwareToken     = "KOPPELING_OUTSMART_SOFTWARE_TOKEN"
)

// Keychain is where credentials are kept. OSKeychain is the real one.
type Keychain interface {
	Get(service, account string) (string, error)
	Set(service, account, value string) error
	Delete(service, account string) error
}

// ErrNotFound is returned by a Keychain for an item that does not exist.
var ErrNotFound = keyring.ErrNotFound

// Service and Account name the one keychain item that holds the credentials
// (as JSON, so that a save is atomic).
const (
	Service = "nl.koppeling.desktop"
	Account = "credentials"
)

// Vault reads and writes the credentials.
type Vault struct {
	Keychain Keychain
	// Service overrides the keychain service name (demo mode and tests use
	// their own, so that they never touch the user's real item).
	Service string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// DefaultSoftwareToken is OutSmart's software token for this build, used
	// when neither the keychain nor the environment has one.
	DefaultSoftwareToken string
}

// Source tells where the credentials came from.
type Source struct {
	Keychain bool     // the keychain item existed
	Env      []string // environment variables that overrode a field
}

// ErrKeychain wraps failures of the keychain itself (locked, no Secret
// Service running), as opposed to an item that is simply not there.
var ErrKeychain = errors.New("de sleutelbos van het systeem is niet bereikbaar")

// ErrUnreadableItem says the keychain item exists but does not hold
// credentials Koppeling can read.
var ErrUnreadableItem = errors.New("het opgeslagen item is onleesbaar; log opnieuw in")

// Problem is a keychain failure (an error that wraps ErrKeychain, or a
// Keychain's own error) as a message of internal/message, so that a screen
// says it in its own language: the known cause with what to do, or else
// the keychain's own text (which never holds a credential: Save redacts
// it). Its Dutch rendering reads as the error's own text did, without the
// keychain library's technical detail of a known cause.
func Problem(err error) message.Text {
	for _, c := range []struct {
		err error
		key string
	}{
		{ErrKeychainTimeout, "keychain.timeout"}, {ErrNoSession, "keychain.nosession"},
		{ErrNoSecretService, "keychain.noservice"}, {ErrKeychainLocked, "keychain.locked"},
		{ErrUnreadableItem, "keychain.unreadable"},
	} {
		if errors.Is(err, c.err) {
			return message.T("keychain.unreachable", "KeychainCause", "@"+c.key)
		}
	}
	return message.T("keychain.unreachable", "KeychainCause", "@keychain.other", "Detail", keychainDetail(err))
}

// keychainDetail is the keychain's own text in err: the last error that
// Load, Save or Delete wrapped after ErrKeychain, or err itself.
func keychainDetail(err error) string {
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		if errs := multi.Unwrap(); len(errs) > 1 && errors.Is(errs[0], ErrKeychain) {
			return keychainDetail(errs[len(errs)-1])
		}
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

func (v *Vault) service() string {
	if v.Service != "" {
		return v.Service
	}
	return Service
}

// Load returns the stored credentials with environment overrides applied. A
// missing keychain item is not an error (the fields are empty); an
// unreachable keychain is, unless the environment supplies every field.
// When the environment supplies every credential a run needs (see
// EnvComplete), the keychain is not asked at all: a server or a scheduled
// task then never waits for, or starts, a keychain daemon.
func (v *Vault) Load() (Credentials, Source, error) {
	if v.EnvComplete() {
		var c Credentials
		var src Source
		v.applyEnv(&c, &src, v.getenv())
		return c, src, nil
	}
	return v.load()
}

// LoadAll is Load for a screen that shows the credentials: it reads the
// keychain even when the environment supplies every credential a run
// needs, so that what only the keychain holds (the OutSmart company id,
// which a run does not need) shows too, with the environment's values
// over it. A keychain failure is then no error, as for Load. The command
// line and the runs use Load, which leaves the keychain alone.
func (v *Vault) LoadAll() (Credentials, Source, error) {
	return v.load()
}

func (v *Vault) getenv() func(string) string {
	if v.Getenv == nil {
		return os.Getenv
	}
	return v.Getenv
}

// load reads the keychain and applies the environment over it.
func (v *Vault) load() (Credentials, Source, error) {
	getenv := v.getenv()
	var c Credentials
	var src Source
	raw, err := v.Keychain.Get(v.service(), Account)
	var kcErr error
	switch {
	case err == nil:
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			// Never include raw: it holds the secrets.
			kcErr = fmt.Errorf("%w: %w", ErrKeychain, ErrUnreadableItem)
			c = Credentials{}
		} else {
			src.Keychain = true
		}
	case errors.Is(err, keyring.ErrNotFound):
	default:
		kcErr = fmt.Errorf("%w: %w", ErrKeychain, err)
	}
	v.applyEnv(&c, &src, getenv)
	if kcErr != nil && !(c.EBoekhoudenComplete() && c.OutSmartComplete()) {
		return c, src, kcErr
	}
	return c, src, nil
}

// envFields pairs each environment variable with its field.
func envFields(c *Credentials) []struct {
	env   string
	field *string
} {
	return []struct {
		env   string
		field *string
	}{
		{EnvEBoekhoudenUsername, &c.EBoekhoudenUsername},
		{EnvEBoekhoudenSecurityCode1, &c.EBoekhoudenSecurityCode1},
		{EnvEBoekhoudenSecurityCode2, &c.EBoekhoudenSecurityCode2},
		{EnvEBoekhoudenAPIToken, &c.EBoekhoudenAPIToken},
		{EnvEBoekhoudenAdministration, &c.EBoekhoudenAdministration},
		{EnvOutSmartCompanyID, &c.OutSmartCompanyID},
		{EnvOutSmartToken, &c.OutSmartToken},
		{EnvOutSmartSoftwareToken, &c.OutSmartSoftwareToken},
	}
}

// applyEnv lets the environment override c field by field and fills in the
// build's software token when nothing else gave one.
func (v *Vault) applyEnv(c *Credentials, src *Source, getenv func(string) string) {
	admin := c.EBoekhoudenAdministration
	defer func() {
		// The kept name belongs to the kept GUID only.
		if !strings.EqualFold(c.EBoekhoudenAdministration, admin) {
			c.EBoekhoudenAdministrationName = ""
		}
	}()
	for _, f := range envFields(c) {
		if val := strings.TrimSpace(getenv(f.env)); val != "" {
			*f.field = val
			src.Env = append(src.Env, f.env)
		}
	}
	if c.OutSmartSoftwareToken == "" {
		c.OutSmartSoftwareToken = v.DefaultSoftwareToken
	}
}

// EnvComplete reports whether the environment alone supplies every
// credential a run needs: the three e-Boekhouden values and the OutSmart
// token, plus the software token from the environment or this build. The
// OutSmart company id is not needed for a run.
func (v *Vault) EnvComplete() bool {
	var c Credentials
	v.applyEnv(&c, &Source{}, v.getenv())
	return c.EBoekhoudenComplete() && c.OutSmartComplete()
}

// Save stores the credentials in the keychain, replacing what was there.
// Values are trimmed; the caller validates them first.
func (v *Vault) Save(c Credentials) error {
	for _, f := range []*string{&c.EBoekhoudenUsername, &c.EBoekhoudenSecurityCode1, &c.EBoekhoudenSecurityCode2, &c.EBoekhoudenAPIToken,
		&c.EBoekhoudenAdministration, &c.EBoekhoudenAdministrationName, &c.OutSmartCompanyID, &c.OutSmartToken, &c.OutSmartSoftwareToken} {
		*f = strings.TrimSpace(*f)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := v.Keychain.Set(v.service(), Account, string(b)); err != nil {
		// A keychain's error text should not hold the value, but make sure.
		msg := redact.New(append(c.Secrets(), string(b))...).String(err.Error())
		return fmt.Errorf("%w: opslaan mislukt: %w", ErrKeychain, redactedError{msg: msg, cause: causeOf(err)})
	}
	return nil
}

// Delete removes the credentials from the keychain; removing what is not
// there is not an error.
func (v *Vault) Delete() error {
	if err := v.Keychain.Delete(v.service(), Account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%w: verwijderen mislukt: %w", ErrKeychain, err)
	}
	return nil
}

// redactedError shows a redacted text and unwraps to the failure's known
// cause only (ErrNoSession, ErrKeychainTimeout, ...), never to the original
// error, whose text was not redacted.
type redactedError struct {
	msg   string
	cause error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.cause }

// causeOf returns the known cause err wraps, or nil.
func causeOf(err error) error {
	for _, c := range []error{ErrKeychainTimeout, ErrNoSession, ErrNoSecretService, ErrKeychainLocked} {
		if errors.Is(err, c) {
			return c
		}
	}
	return nil
}
