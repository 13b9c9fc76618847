package store

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file owns the settings that send invoices on their way by e-mail
// (export.email and its subject, message, sender, e-mail template and UBL
// attachment) and the start date of a link's work orders
// (export.workorders_from).
//
// e-Boekhouden e-mails an invoice itself when asked (SOAP AddFactuur
// PerEmailVerzenden with EmailOnderwerp, EmailBericht, EmailVanAdres,
// EmailVanNaam; REST the invoice's `email` block and emailTemplateId).
// Koppeling fills in its own placeholders in the subject and message before
// the invoice goes out (EmailPlaceholders). The invoice number is not one of
// them: e-Boekhouden numbers the invoice when it creates it (the engine
// leaves the number empty on both roads), so the number is not known when
// the text is sent, and neither reference names merge fields of
// e-Boekhouden's own that would fill it in [inferred: none documented]. A
// subject or message with {factuur} is therefore refused with that reason;
// an e-mail template chosen on the REST road may carry e-Boekhouden's own
// fields.

// The e-mail and start date setting keys.
const (
	KeyEmail            = "export.email"
	KeyEmailSubject     = "export.email_subject"
	KeyEmailBody        = "export.email_body"
	KeyEmailFromName    = "export.email_from_name"
	KeyEmailFromAddress = "export.email_from_address"
	KeyEmailTemplate    = "export.email_template"
	KeyEmailAttachUBL   = "export.email_attach_ubl"
	KeyWorkOrdersFrom   = "export.workorders_from"
)

// The rules between the e-mail settings (SettingError.Rule).
const (
	// RuleEmailText: while invoices are e-mailed without an e-mail
	// template, the subject and the message are needed (SOAP has no
	// template; REST refuses a missing subject or body with FACT_EMAIL_013
	// and FACT_EMAIL_014 [inferred: when no template is given]).
	RuleEmailText = "email_text"
)

// Defaults of the subject and the message, with placeholders.
const (
	DefaultEmailSubject = "Factuur voor werkbon {werkbon}"
	DefaultEmailBody    = "Beste {klant},\n\nHierbij ontvangt u de factuur voor werkbon {werkbon}.\n\nMet vriendelijke groet"
)

// EmailPlaceholders are the placeholders the subject and the message may
// hold, in the order the window names them: {werkbon} the OutSmart work
// order number, {klant} the customer's name, {datum} the invoice date and
// {werkdatum} the work order's date (both dd-mm-jjjj).
func EmailPlaceholders() []string {
	return []string{"{werkbon}", "{klant}", "{datum}", "{werkdatum}"}
}

// emailTextMax bounds the subject and the message. The references state no
// limit (SOAP "max", REST FACT_EMAIL_011 "too long" without a number)
// [inferred].
const (
	emailSubjectMax = 255
	emailBodyMax    = 10000
	emailAddressMax = 150 // SOAP EmailVanAdres, EmailVanNaam: 150 (§5.4)
)

var placeholderPattern = regexp.MustCompile(`\{[^{}]*\}`)

// checkPlaceholders refuses a text with a placeholder Koppeling cannot fill
// in, naming the ones it can.
func checkPlaceholders(v string) error {
	for _, p := range placeholderPattern.FindAllString(v, -1) {
		switch {
		case strings.EqualFold(p, "{factuur}"):
			return errors.New("{factuur} kan niet: e-Boekhouden geeft de factuur pas een nummer als de factuur " +
				"gemaakt wordt, dus Koppeling kent het nummer niet wanneer de e-mail verstuurd wordt; gebruik " +
				"{werkbon} of kies een e-mailsjabloon van e-Boekhouden")
		case !slices.Contains(EmailPlaceholders(), p):
			return fmt.Errorf("onbekend veld %s; gebruik %s", p, strings.Join(EmailPlaceholders(), ", "))
		}
	}
	return nil
}

// FillEmailText fills in the placeholders of a subject or message.
func FillEmailText(text, workOrder, customer string, invoiceDate, workDate time.Time) string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("02-01-2006")
	}
	return strings.NewReplacer("{werkbon}", workOrder, "{klant}", customer, "{datum}", day(invoiceDate),
		"{werkdatum}", day(workDate)).Replace(text)
}

func emailSubjectDef() settingDef {
	return textDef(KeyEmailSubject, DefaultEmailSubject, func(v string) error {
		if utf8.RuneCountInString(v) > emailSubjectMax {
			return fmt.Errorf("het onderwerp mag hoogstens %d tekens zijn", emailSubjectMax)
		}
		return checkPlaceholders(v)
	}, func(s *Settings) *string { return &s.EmailSubject })
}

// emailBodyDef is the message: several lines. Its text form (the store,
// `koppeling settings`) writes a line end as \n, so that it stays one
// KEY=VALUE line; a real line end given is taken as one too. Settings
// holds the message with real line ends.
func emailBodyDef() settingDef {
	return settingDef{
		key: KeyEmailBody, def: escapeLines(DefaultEmailBody),
		parse: func(v string) (string, error) {
			v = strings.NewReplacer("\r\n", "\n", "\r", "\n", `\n`, "\n").Replace(v)
			v = strings.TrimSpace(v)
			if strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f }) {
				return "", errors.New("de tekst bevat een stuurteken")
			}
			if utf8.RuneCountInString(v) > emailBodyMax {
				return "", fmt.Errorf("het bericht mag hoogstens %d tekens zijn", emailBodyMax)
			}
			if err := checkPlaceholders(v); err != nil {
				return "", err
			}
			return escapeLines(v), nil
		},
		get: func(s *Settings) string { return escapeLines(s.EmailBody) },
		set: func(s *Settings, v string) { s.EmailBody = strings.ReplaceAll(v, `\n`, "\n") },
	}
}

// escapeLines writes the line ends of text as \n.
func escapeLines(text string) string { return strings.ReplaceAll(text, "\n", `\n`) }

func emailFromNameDef() settingDef {
	return textDef(KeyEmailFromName, "", func(v string) error {
		if utf8.RuneCountInString(v) > emailAddressMax {
			return fmt.Errorf("de naam van de afzender mag hoogstens %d tekens zijn", emailAddressMax)
		}
		return nil
	}, func(s *Settings) *string { return &s.EmailFromName })
}

func emailFromAddressDef() settingDef {
	return textDef(KeyEmailFromAddress, "", func(v string) error {
		if v == "" {
			return nil
		}
		if !IsEmailAddress(v) || utf8.RuneCountInString(v) > emailAddressMax {
			return errors.New("het afzenderadres is één e-mailadres, bijvoorbeeld facturen@uwbedrijf.nl, of leeg " +
				"voor het adres dat e-Boekhouden gebruikt")
		}
		return nil
	}, func(s *Settings) *string { return &s.EmailFromAddress })
}

// IsEmailAddress reports whether v is one bare e-mail address
// (name@domain.tld), without a display name.
func IsEmailAddress(v string) bool {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && strings.Contains(v[at+1:], ".") && !strings.ContainsAny(v, " \t\"")
}

// emailTemplateForm is export.email_template's: as export.cost_centre.
var emailTemplateForm = idName{
	form: "het e-mailsjabloon is het nummer van een e-mailsjabloon uit e-Boekhouden, eventueel " +
		"met de naam erachter (bijvoorbeeld 3 Factuur standaard), of leeg voor geen",
	tooBig:  "het nummer van het e-mailsjabloon is te groot",
	tooLong: "de naam van het e-mailsjabloon mag hoogstens 100 tekens zijn",
}

// EmailTemplateValue is the setting's text for an e-mail template: "" for
// id 0, else the id followed by the name as it was when chosen.
func EmailTemplateValue(id int64, name string) string { return idNameValue(id, name) }

// ParseEmailTemplate reads the setting's text: the e-mail template's id
// (0 for "") and its name. The error is Dutch and names the form.
func ParseEmailTemplate(v string) (id int64, name string, err error) {
	return emailTemplateForm.parse(v)
}

func emailTemplateDef() settingDef {
	return emailTemplateForm.def(KeyEmailTemplate, func(s *Settings) (*int64, *string) { return &s.EmailTemplateID, &s.EmailTemplate })
}

// emailTextRule: invoices e-mailed without an e-mail template need a
// subject and a message.
var emailTextRule = crossRule{
	name: RuleEmailText,
	keys: []string{KeyEmailSubject, KeyEmailBody, KeyEmail, KeyEmailTemplate},
	check: func(s Settings) (string, bool) {
		if s.Email && s.EmailTemplateID == 0 && (s.EmailSubject == "" || s.EmailBody == "") {
			return "zolang facturen per e-mail gaan zonder e-mailsjabloon, zijn een onderwerp en een bericht nodig: " +
				"vul ze in, kies een e-mailsjabloon, of zet 'Factuur per e-mail versturen' uit", false
		}
		return "", true
	},
}

// Dates of the start date setting: stored as YYYY-MM-DD; the window shows
// and takes dd-mm-jjjj, which the setting accepts too.
const (
	workOrdersFromLayout = time.DateOnly
	windowDateLayout     = "02-01-2006"
)

func workOrdersFromDef() settingDef {
	return settingDef{
		key: KeyWorkOrdersFrom, def: "",
		parse: func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" {
				return "", nil
			}
			t, err := time.Parse(workOrdersFromLayout, v)
			if err != nil {
				t, err = time.Parse(windowDateLayout, v)
			}
			if err != nil || t.Year() < 2000 || t.Year() > 2099 {
				return "", errors.New("de startdatum is een datum als 2026-12-07 (of 07-12-2026), of leeg voor alle werkbonnen")
			}
			return t.Format(workOrdersFromLayout), nil
		},
		get: func(s *Settings) string { return s.WorkOrdersFrom },
		set: func(s *Settings, v string) { s.WorkOrdersFrom = v },
	}
}

// StartDate is the start date (export.workorders_from) as midnight UTC; ok
// is false when there is none.
func (s Settings) StartDate() (day time.Time, ok bool) {
	if s.WorkOrdersFrom == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(workOrdersFromLayout, s.WorkOrdersFrom)
	return t, err == nil
}

// WorkOrdersFromValue is the setting's text for a start date (its calendar
// day as YYYY-MM-DD); the zero time is "", no start date.
func WorkOrdersFromValue(day time.Time) string {
	if day.IsZero() {
		return ""
	}
	return day.Format(workOrdersFromLayout)
}

// SetWorkOrdersFrom sets the start date (export.workorders_from) to the
// calendar day of day, in day's location: `koppeling links add` calls it
// with the day a new link is made, so that the link does not invoice the
// work of before it. The zero time clears it.
func (s *Store) SetWorkOrdersFrom(ctx context.Context, day time.Time) error {
	return s.SetSetting(ctx, KeyWorkOrdersFrom, WorkOrdersFromValue(day))
}
