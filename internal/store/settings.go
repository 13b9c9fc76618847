package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/koppeling/koppeling/internal/decimal"
)

// Settings are the user's choices, as on the link's settings screen of the
// e-Boekhouden manual (Import instellingen, Export instellingen) plus what a
// desktop app needs. Credentials are not settings.
type Settings struct {
	ImportRelations bool // Relaties
	ImportMaterials bool // Materialen
	ImportHourTypes bool // Uursoorten

	ExportInvoices  bool   // Factuur
	ExportRelations bool   // Exporteer relaties
	BookDirectly    bool   // Verwerken in de boekhouding
	Template        string // Factuursjabloon
	PaymentTermDays int    // Betalingstermijn
	WorkflowStatus  string // the OutSmart workflow status whose work orders are exported
	DefaultVATCode  string // BTW code for lines whose product has none
	DefaultLedger   string // revenue ledger for lines whose product has none
	// CostCentreID is the cost centre (kostenplaats) of the invoice lines,
	// 0 for none; CostCentre is its description as it was when chosen
	// (costcentre.go).
	CostCentreID int64
	CostCentre   string
	// HoursRounding is how worked time becomes an invoiced amount: one of
	// the HoursRounding* values.
	HoursRounding string
	// MaxLineAmount is the largest line amount (excl. VAT) invoiced without
	// the user's confirmation.
	MaxLineAmount decimal.Decimal
	// ConfirmAbove is the number of new invoices in one run of the desktop
	// app above which the run waits for the user's approval (Vragen
	// vanaf); 0 asks before every run that would create an invoice. The
	// first export of a link always asks (engine/approval.go).
	ConfirmAbove int
	// Email is "Factuur per e-mail versturen": e-Boekhouden e-mails each
	// invoice to the relation's (invoice) e-mail address, with this
	// subject and message (placeholders filled in, email.go) from this
	// sender; on the REST road optionally with an e-mail template (id and
	// its name as chosen) and the UBL file.
	Email            bool
	EmailSubject     string
	EmailBody        string
	EmailFromName    string
	EmailFromAddress string
	EmailTemplateID  int64
	EmailTemplate    string
	EmailAttachUBL   bool
	// WorkOrdersFrom is "Werkbonnen vanaf" as YYYY-MM-DD, "" for none:
	// work orders dated before it are not invoiced (StartDate).
	WorkOrdersFrom string

	IntervalMinutes int  // minutes between automatic runs
	Paused          bool // automatic runs paused
	NotifySuccess   bool // notify after a run that imported or exported something
	Autostart       bool // start with the user's session
}

// Setting keys, as used by `koppeling settings` and the store.
const (
	KeyImportRelations = "import.relations"
	KeyImportMaterials = "import.materials"
	KeyImportHourTypes = "import.hourtypes"
	KeyExportInvoices  = "export.invoices"
	KeyExportRelations = "export.relations"
	KeyBookDirectly    = "export.book_directly"
	KeyTemplate        = "export.template"
	KeyPaymentTermDays = "export.payment_term_days"
	KeyWorkflowStatus  = "export.workflow_status"
	KeyDefaultVATCode  = "export.default_vat_code"
	KeyDefaultLedger   = "export.default_ledger"
	KeyCostCentre      = "export.cost_centre"
	KeyHoursRounding   = "export.hours_rounding"
	KeyMaxLineAmount   = "export.max_line_amount"
	KeyConfirmAbove    = "export.confirm_above"
	KeyIntervalMinutes = "sync.interval_minutes"
	KeyPaused          = "sync.paused"
	KeyNotifySuccess   = "notify.success"
	KeyAutostart       = "app.autostart"
)

// The hour rounding rules (export.hours_rounding).
const (
	// HoursRoundingMinute bills every worked minute: the line amount is
	// minutes x rate / 60, rounded once to the cent.
	HoursRoundingMinute = "minute"
	// HoursRoundingHundredth rounds the hours to 0,01 first and bills that
	// quantity (what Koppeling did before the setting existed).
	HoursRoundingHundredth = "0.01"
	// HoursRoundingQuarter rounds every work period up to a quarter hour.
	HoursRoundingQuarter = "quarter"
	// HoursRoundingHalf rounds every work period up to a half hour.
	HoursRoundingHalf = "half"
)

// HoursRoundings returns the hour rounding rules in the order the window
// offers them.
func HoursRoundings() []string {
	return []string{HoursRoundingMinute, HoursRoundingHundredth, HoursRoundingQuarter, HoursRoundingHalf}
}

// DefaultWorkflowStatus is the workflow status the e-Boekhouden manual names.
const DefaultWorkflowStatus = "1 naar E-boekhouden"

// salesVATCodes are the e-Boekhouden BTW codes allowed on a sales invoice
// (reference §7: the *_VERK* codes and GEEN). This file is the one home of
// the codes and their rates; vatcodes.go names them for people.
var salesVATCodes = []string{
	"HOOG_VERK", "HOOG_VERK_21", "LAAG_VERK", "LAAG_VERK_9", "VERL_VERK_L9", "VERL_VERK",
	"AFW", "AFW_VERK", "BU_EU_VERK", "BI_EU_VERK", "BI_EU_VERK_D", "AFST_VERK", "GEEN",
}

// salesVATRates are the rates of the sales BTW codes (reference §7), with
// which the engine computes its own invoice total to compare it with
// e-Boekhouden's. LAAG_VERK is 9 % for dates from 2019, HOOG_VERK the legacy
// 19 %. The deviating-rate codes (AFW, AFW_VERK) have no fixed rate.
var salesVATRates = map[string]decimal.Decimal{
	"HOOG_VERK_21": decimal.New(21, 2),
	"HOOG_VERK":    decimal.New(19, 2),
	"LAAG_VERK_9":  decimal.New(9, 2),
	"LAAG_VERK":    decimal.New(9, 2),
	"VERL_VERK_L9": decimal.Zero,
	"VERL_VERK":    decimal.Zero,
	"BU_EU_VERK":   decimal.Zero,
	"BI_EU_VERK":   decimal.Zero,
	"BI_EU_VERK_D": decimal.Zero,
	"AFST_VERK":    decimal.Zero,
	"GEEN":         decimal.Zero,
}

// SalesVATCodes returns the BTW codes a default may take.
func SalesVATCodes() []string { return append([]string(nil), salesVATCodes...) }

// IsSalesVATCode reports whether code may be used on a sales invoice.
func IsSalesVATCode(code string) bool { return slices.Contains(salesVATCodes, code) }

// SalesVATRate returns the rate of a sales BTW code as a fraction (0.21);
// ok is false for a code without a fixed rate (AFW, AFW_VERK) and for one
// that is not a sales code.
func SalesVATRate(code string) (rate decimal.Decimal, ok bool) {
	rate, ok = salesVATRates[code]
	return rate, ok
}

type settingDef struct {
	key   string
	def   string
	parse func(string) (string, error) // returns the canonical form
	get   func(*Settings) string
	set   func(*Settings, string)
}

var ledgerPattern = regexp.MustCompile(`^[0-9A-Za-z]{1,10}$`)

var settingDefs = []settingDef{
	boolDef(KeyImportRelations, true, func(s *Settings) *bool { return &s.ImportRelations }),
	boolDef(KeyImportMaterials, true, func(s *Settings) *bool { return &s.ImportMaterials }),
	boolDef(KeyImportHourTypes, true, func(s *Settings) *bool { return &s.ImportHourTypes }),
	boolDef(KeyExportInvoices, false, func(s *Settings) *bool { return &s.ExportInvoices }),
	boolDef(KeyExportRelations, true, func(s *Settings) *bool { return &s.ExportRelations }),
	boolDef(KeyBookDirectly, false, func(s *Settings) *bool { return &s.BookDirectly }),
	textDef(KeyTemplate, "", func(v string) error {
		// e-Boekhouden: Factuursjabloon max 50 characters (reference §5.4).
		if len([]rune(v)) > 50 {
			return errors.New("de naam van het factuursjabloon mag hoogstens 50 tekens zijn")
		}
		return nil
	}, func(s *Settings) *string { return &s.Template }),
	// The invoice takes any whole number of days here: the references name
	// no limit of their own (SOAP Betalingstermijn is an xs:long, REST
	// termOfPayment an int32 whose FACT_016 "out of range" states no
	// bounds), so this range is all Koppeling checks, with invoices on or
	// off. 0 is allowed: "direct betalen" is a common Dutch payment term.
	intDef(KeyPaymentTermDays, 14, 0, 365, "de betalingstermijn moet een geheel aantal dagen zijn van 0 tot en met 365",
		func(s *Settings) *int { return &s.PaymentTermDays }),
	textDef(KeyWorkflowStatus, DefaultWorkflowStatus, func(v string) error {
		if v == "" {
			return errors.New("kies de werkbonstatus waarmee werkbonnen naar e-Boekhouden gaan")
		}
		return nil
	}, func(s *Settings) *string { return &s.WorkflowStatus }),
	{
		key: KeyDefaultVATCode, def: "HOOG_VERK_21",
		parse: func(v string) (string, error) {
			v = strings.ToUpper(strings.TrimSpace(v))
			if IsSalesVATCode(v) {
				return v, nil
			}
			return "", fmt.Errorf("onbekende btw-code voor verkoop; kies uit %s", strings.Join(salesVATCodes, ", "))
		},
		get: func(s *Settings) string { return s.DefaultVATCode },
		set: func(s *Settings, v string) { s.DefaultVATCode = v },
	},
	textDef(KeyDefaultLedger, "8000", func(v string) error {
		if !ledgerPattern.MatchString(v) {
			return errors.New("de omzetrekening is een grootboekcode van 1 tot 10 letters of cijfers, bijvoorbeeld 8000")
		}
		return nil
	}, func(s *Settings) *string { return &s.DefaultLedger }),
	costCentreDef(),
	{
		key: KeyHoursRounding, def: HoursRoundingMinute,
		parse: func(v string) (string, error) {
			v = strings.ToLower(strings.TrimSpace(v))
			switch v {
			case "0,01":
				v = HoursRoundingHundredth
			case "kwartier":
				v = HoursRoundingQuarter
			case "halfuur", "half uur":
				v = HoursRoundingHalf
			case "minuut":
				v = HoursRoundingMinute
			}
			for _, r := range HoursRoundings() {
				if v == r {
					return v, nil
				}
			}
			return "", fmt.Errorf("kies hoe uren worden afgerond: %s", strings.Join(HoursRoundings(), ", "))
		},
		get: func(s *Settings) string { return s.HoursRounding },
		set: func(s *Settings, v string) { s.HoursRounding = v },
	},
	{
		key: KeyMaxLineAmount, def: "25000",
		parse: func(v string) (string, error) {
			t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "€"))
			d, err := decimal.ParsePlaces(t, 2)
			var pe *decimal.PlacesError
			if errors.As(err, &pe) {
				return "", fmt.Errorf("een bedrag in euro's heeft hoogstens %d decimalen (centen), niet %d; bijvoorbeeld 25000 of 25000,50", pe.Max, pe.Places)
			}
			if err != nil || d.Sign() <= 0 || d.Cmp(decimal.FromInt(1_000_000_000)) > 0 {
				return "", errors.New("het hoogste regelbedrag zonder bevestiging is een bedrag in euro's boven 0, bijvoorbeeld 25000 of 25000,00")
			}
			return d.Fixed(2), nil
		},
		get: func(s *Settings) string { return s.MaxLineAmount.Fixed(2) },
		set: func(s *Settings, v string) { s.MaxLineAmount, _ = decimal.Parse(v) },
	},
	intDef(KeyConfirmAbove, 10, 0, 1000, "vragen vanaf is een geheel aantal facturen van 0 tot en met 1000",
		func(s *Settings) *int { return &s.ConfirmAbove }),
	boolDef(KeyEmail, false, func(s *Settings) *bool { return &s.Email }),
	emailSubjectDef(),
	emailBodyDef(),
	emailFromNameDef(),
	emailFromAddressDef(),
	emailTemplateDef(),
	boolDef(KeyEmailAttachUBL, false, func(s *Settings) *bool { return &s.EmailAttachUBL }),
	workOrdersFromDef(),
	intDef(KeyIntervalMinutes, 15, 5, 60, "de synchronisatie loopt elke 5 tot 60 minuten",
		func(s *Settings) *int { return &s.IntervalMinutes }),
	boolDef(KeyPaused, false, func(s *Settings) *bool { return &s.Paused }),
	boolDef(KeyNotifySuccess, true, func(s *Settings) *bool { return &s.NotifySuccess }),
	boolDef(KeyAutostart, false, func(s *Settings) *bool { return &s.Autostart }),
}

func boolDef(key string, def bool, field func(*Settings) *bool) settingDef {
	return settingDef{
		key: key, def: strconv.FormatBool(def),
		parse: func(v string) (string, error) {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "ja", "aan", "1", "yes", "on":
				return "true", nil
			case "false", "nee", "uit", "0", "no", "off":
				return "false", nil
			}
			return "", errors.New("gebruik true of false")
		},
		get: func(s *Settings) string { return strconv.FormatBool(*field(s)) },
		set: func(s *Settings, v string) { *field(s) = v == "true" },
	}
}

func intDef(key string, def, lo, hi int, msg string, field func(*Settings) *int) settingDef {
	return settingDef{
		key: key, def: strconv.Itoa(def),
		parse: func(v string) (string, error) {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < lo || n > hi {
				return "", errors.New(msg)
			}
			return strconv.Itoa(n), nil
		},
		get: func(s *Settings) string { return strconv.Itoa(*field(s)) },
		set: func(s *Settings, v string) { *field(s), _ = strconv.Atoi(v) },
	}
}

func textDef(key, def string, check func(string) error, field func(*Settings) *string) settingDef {
	return settingDef{
		key: key, def: def,
		parse: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return "", errors.New("de tekst bevat een stuurteken")
			}
			if err := check(v); err != nil {
				return "", err
			}
			return v, nil
		},
		get: func(s *Settings) string { return *field(s) },
		set: func(s *Settings, v string) { *field(s) = v },
	}
}

func lookupDef(key string) (settingDef, bool) {
	for _, d := range settingDefs {
		if d.key == key {
			return d, true
		}
	}
	return settingDef{}, false
}

// SettingKeys returns every setting key in a stable order.
func SettingKeys() []string {
	keys := make([]string, len(settingDefs))
	for i, d := range settingDefs {
		keys[i] = d.key
	}
	return keys
}

// DefaultSettings returns the settings of a fresh installation.
func DefaultSettings() Settings {
	var s Settings
	for _, d := range settingDefs {
		d.set(&s, d.def)
	}
	return s
}

// Value returns the value of key in s as text.
func (s Settings) Value(key string) (string, error) {
	d, ok := lookupDef(key)
	if !ok {
		return "", unknownKey(key)
	}
	return d.get(&s), nil
}

// SettingError is a refused setting value. Reason is Dutch and names the fix.
type SettingError struct {
	Key, Value, Reason string
	// Rule names the rule between settings that refused the value (one of
	// the Rule* values), or the check against the administration
	// (RuleCostCentre*), or is empty for a value that is wrong on its own.
	Rule string
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("instelling %s: %s geweigerd: %s", e.Key, Quote(e.Value), e.Reason)
}

// QuoteMax is how many characters of a refused value a message quotes.
const QuoteMax = 60

// Quote quotes a value for a message about it, cut to QuoteMax characters
// with "…" when longer: a refused 10 KB value is not echoed back whole.
func Quote(v string) string {
	r := []rune(v)
	if len(r) <= QuoteMax {
		return strconv.Quote(v)
	}
	return strconv.Quote(string(r[:QuoteMax]) + "…")
}

// ErrUnknownSetting is wrapped by errors for keys that do not exist.
var ErrUnknownSetting = errors.New("onbekende instelling")

func unknownKey(key string) error {
	return fmt.Errorf("%w %s; bekende instellingen: %s", ErrUnknownSetting, Quote(key), strings.Join(SettingKeys(), ", "))
}

// The rules between settings, as named in SettingError.Rule.
const (
	// RuleTemplateRequired: while invoices are on, the template is needed
	// (no invoice can be made without one).
	RuleTemplateRequired = "template_required"
)

// crossRule is a rule between settings. A change that sets one of its keys
// is checked against the settings it makes together with the stored ones;
// the refusal names the first of the keys the change sets.
type crossRule struct {
	name  string
	keys  []string
	check func(Settings) (reason string, ok bool)
}

var crossRules = []crossRule{{
	name: RuleTemplateRequired,
	keys: []string{KeyTemplate, KeyExportInvoices},
	check: func(s Settings) (string, bool) {
		if s.ExportInvoices && s.Template == "" {
			return "zolang Factuur (export.invoices) aan staat, is een factuursjabloon nodig: vul de naam in van een " +
				"factuursjabloon uit e-Boekhouden (Beheer > Sjablonen > Factuursjablonen), of zet Factuur uit", false
		}
		return "", true
	},
}, emailTextRule}

// checkCombination applies the canonical values canon to the stored
// settings and checks the rules between settings that the change touches:
// a rule is checked when the change sets one of its keys and none of them
// was refused on its own (raw holds the values as given; a key in raw but
// not in canon was refused). Rules the change does not touch are not
// checked, so that settings stored by another version never block an
// unrelated change (such as pausing from the tray); the window saves every
// field and so checks every rule.
func checkCombination(stored Settings, canon, raw map[string]string) []error {
	next := applyValues(stored, canon)
	var errs []error
	for _, r := range crossRules {
		first := slices.IndexFunc(r.keys, func(k string) bool { _, set := raw[k]; return set })
		refusedAlone := slices.ContainsFunc(r.keys, func(k string) bool {
			_, set := raw[k]
			_, ok := canon[k]
			return set && !ok
		})
		if first < 0 || refusedAlone {
			continue
		}
		if reason, ok := r.check(next); !ok {
			key := r.keys[first]
			errs = append(errs, &SettingError{Key: key, Value: raw[key], Reason: reason, Rule: r.name})
		}
	}
	return errs
}

// Settings reads the stored settings; keys never set take their defaults. A
// stored value that no longer validates (written by another version) is
// ignored in favour of the default. Nor are the stored settings checked
// against the rules between settings: the engine reports a combination it
// cannot work with.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	return readSettings(ctx, s.db)
}

// readSettings reads the stored settings through q (the database or a
// transaction).
func readSettings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (Settings, error) {
	out := DefaultSettings()
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return out, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return out, fmt.Errorf("read settings: %w", err)
		}
		if d, ok := lookupDef(k); ok {
			if canon, err := d.parse(v); err == nil {
				d.set(&out, canon)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("read settings: %w", err)
	}
	return out, nil
}

// SetSetting validates value for key and stores its canonical form. An
// invalid value returns a *SettingError and leaves the stored value as it was.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.SetSettings(ctx, map[string]string{key: value})
}

// SetSettings validates every value first, then the settings they make
// together with the stored ones (the rules between settings, such as no
// invoices without a template), and stores all of them in one transaction,
// or none when one is refused (the screen's "Instellingen opslaan").
func (s *Store) SetSettings(ctx context.Context, values map[string]string) error {
	canon, errs := parseValues(values)
	var refused error
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stored, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		errs = append(errs, checkCombination(stored, canon, values)...)
		if len(errs) > 0 {
			refused = errors.Join(errs...)
			return refused
		}
		for _, k := range slices.Sorted(maps.Keys(canon)) {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
				 ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
				k, canon[k], s.stamp()); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case refused != nil:
		return refused
	case err != nil && len(errs) > 0: // the stored settings were unreadable
		return errors.Join(append(errs, fmt.Errorf("save settings: %w", err))...)
	case err != nil:
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}
