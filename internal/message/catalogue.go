package message

import (
	"fmt"
	"strconv"
	"strings"
)

// catalogue holds every message by key. Keep the keys grouped by who
// writes them; message_test checks that each has both languages.
var catalogue = map[string]entry{
	KeyText: {nl: "{Text}", en: "{Text}"},

	// Why a run stopped (the Cause of a summary).
	"cause.eboekhouden.credentials": {
		nl: "e-Boekhouden weigert de inloggegevens; controleer gebruikersnaam en beveiligingscodes",
		en: "e-Boekhouden refuses the login details; check the user name and security codes"},
	"cause.outsmart.credentials": {
		nl: "OutSmart weigert het token; controleer het token en het software token",
		en: "OutSmart refuses the token; check the token and the software token"},
	"cause.eboekhouden.calllimit": {
		nl: "e-Boekhouden meldt dat het maximum aantal aanroepen is bereikt (E003.1); de volgende ronde probeert het opnieuw",
		en: "e-Boekhouden reports that the maximum number of calls was reached (E003.1); the next run tries again"},
	"cause.locked":  {nl: "er loopt al een synchronisatie", en: "a synchronisation is already running"},
	"cause.stopped": {nl: "gestopt", en: "stopped"},
	"cause.eboekhouden.unreachable": {
		nl: "e-Boekhouden is niet bereikbaar; de volgende ronde probeert het opnieuw",
		en: "e-Boekhouden cannot be reached; the next run tries again"},
	"cause.outsmart.unreachable": {
		nl: "OutSmart is niet bereikbaar; de volgende ronde probeert het opnieuw",
		en: "OutSmart cannot be reached; the next run tries again"},
	"cause.eboekhouden.unreadable": {
		nl: "e-Boekhouden gaf een antwoord dat Koppeling niet volledig kan lezen; er is niets op gebaseerd en de volgende ronde probeert het opnieuw",
		en: "e-Boekhouden gave an answer Koppeling cannot read completely; nothing was based on it and the next run tries again"},
	"cause.outsmart.unreadable": {
		nl: "OutSmart gaf een antwoord dat Koppeling niet volledig kan lezen; er is niets op gebaseerd en de volgende ronde probeert het opnieuw",
		en: "OutSmart gave an answer Koppeling cannot read completely; nothing was based on it and the next run tries again"},
	"cause.store":    {nl: "de opslag is niet bruikbaar", en: "the store cannot be used"},
	"cause.other":    {nl: "{CauseText}", en: "{CauseText}"},
	"run.notstarted": {nl: "Synchronisatie niet gestart: {Cause}.", en: "Synchronisation not started: {Cause}."},

	// What needs attention: subjects, reasons and fixes.
	"subject.workorder": {nl: "Werkbon {Number}", en: "Work order {Number}"},
	"subject.relation":  {nl: "Relatie {Code}, {Name}", en: "Relation {Code}, {Name}"},
	"subject.material":  {nl: "Materiaal {Code}, {Name}", en: "Material {Code}, {Name}"},
	"subject.hourtype":  {nl: "Uursoort {Code}, {Name}", en: "Hour type {Code}, {Name}"},
	"subject.settings":  {nl: "Instellingen", en: "Settings"},
	"subject.login":     {nl: "Inloggen", en: "Login"},

	"relation.refused": {compose: relationRefused},
	"relation.refused.fix": {
		nl: "Vul dit aan in e-Boekhouden; de volgende synchronisatie stuurt de relatie dan mee.",
		en: "Complete this in e-Boekhouden; the next synchronisation then sends the relation."},
	"material.refused": {
		nl: "Materiaal {Code}, {Name} kan niet naar OutSmart: {Problem}",
		en: "Material {Code}, {Name} cannot go to OutSmart: {Problem}"},
	"hourtype.refused": {
		nl: "Uursoort {Code}, {Name} kan niet naar OutSmart: {Problem}",
		en: "Hour type {Code}, {Name} cannot go to OutSmart: {Problem}"},
	"problem.material.missing": {compose: materialMissing},
	"problem.hourtype.noname": {
		nl: "de omschrijving ontbreekt.", en: "the description is missing."},
	"problem.hourtype.price": {
		nl: "de verkoopprijs moet groter dan 0 zijn (eis van OutSmart).",
		en: "the sale price must be more than 0 (OutSmart requires it)."},
	"product.refused.fix": {
		nl: "Pas dit aan in e-Boekhouden; de volgende synchronisatie stuurt het dan mee.",
		en: "Correct this in e-Boekhouden; the next synchronisation then sends it."},
	"outsmart.refused": {
		nl: "OutSmart weigert {Kind} {Code}: {Reason}",
		en: "OutSmart refuses {Kind} {Code}: {Reason}"},

	"settings.template": {
		nl: "Facturen worden niet doorgezet: het factuursjabloon is niet ingevuld.",
		en: "Invoices are not sent: the invoice template is not filled in."},
	"settings.template.fix": {
		nl: "Vul bij Export instellingen het factuursjabloon in (de naam van een sjabloon in e-Boekhouden).",
		en: "Fill in the invoice template under Export settings (the name of a template in e-Boekhouden)."},
	"settings.workflowstatus": {
		nl: "Facturen worden niet doorgezet: de werkbonstatus \"{Status}\" bestaat niet in OutSmart.",
		en: "Invoices are not sent: the work order status \"{Status}\" does not exist in OutSmart."},
	"settings.workflowstatus.fix": {
		nl: "Kies bij Export instellingen een van: {Choices}.",
		en: "Choose one of these under Export settings: {Choices}."},
	"login.refused": {nl: "{Cause}.", en: "{Cause}."},
	"login.refused.fix": {
		nl: "Vul de inloggegevens opnieuw in op het tabblad Inloggen en kies daarna Opnieuw proberen.",
		en: "Enter the login details again on the Login tab, then choose Retry."},

	// Engine log lines.
	"relations.capped": {
		nl: "{Count} relaties opgehaald uit e-Boekhouden, mogelijk niet alle: e-Boekhouden geeft hoogstens {Cap} per opvraging.",
		en: "{Count} relations read from e-Boekhouden, possibly not all: e-Boekhouden returns at most {Cap} per request."},
	"products.capped": {
		nl: "{Count} producten opgehaald uit e-Boekhouden, mogelijk niet alle: e-Boekhouden geeft hoogstens {Cap} per opvraging.",
		en: "{Count} products read from e-Boekhouden, possibly not all: e-Boekhouden returns at most {Cap} per request."},
	"material.inactive": {
		nl: "Materiaal {Code}, {Name} is inactief in e-Boekhouden. OutSmart kent voor materialen geen inactief-vlag; verwijder het daar zelf als het niet meer gebruikt mag worden.",
		en: "Material {Code}, {Name} is inactive in e-Boekhouden. OutSmart has no inactive flag for materials; remove it there yourself if it may no longer be used."},
	"invoice.created": {
		nl: "Factuur {Invoice} aangemaakt voor werkbon {Number} (relatie {Code}, {Name}).",
		en: "Invoice {Invoice} created for work order {Number} (relation {Code}, {Name})."},
	"invoice.total": {
		nl: "Factuur {Invoice} (werkbon {Number}): {Total} incl. btw in e-Boekhouden.",
		en: "Invoice {Invoice} (work order {Number}): {Total} incl. VAT in e-Boekhouden."},
	"invoice.total.perline": {
		nl: "Factuur {Invoice} (werkbon {Number}): {Total} incl. btw in e-Boekhouden. Berekend was {Ours}; e-Boekhouden rondt de btw per regel af, niet per tarief ({Cents} cent verschil).",
		en: "Invoice {Invoice} (work order {Number}): {Total} incl. VAT in e-Boekhouden. Calculated was {Ours}; e-Boekhouden rounds the VAT per line, not per rate ({Cents} cent difference)."},
	"invoice.total.rounding": {
		nl: "Factuur {Invoice} (werkbon {Number}): {Total} incl. btw in e-Boekhouden. Berekend was {Ours}; het verschil van {Cents} cent komt door de afronding van de btw.",
		en: "Invoice {Invoice} (work order {Number}): {Total} incl. VAT in e-Boekhouden. Calculated was {Ours}; the difference of {Cents} cent comes from rounding the VAT."},
	"invoice.total.differs": {
		nl: "Factuur {Invoice} (werkbon {Number}): het totaal in e-Boekhouden ({Total}) wijkt {Diff} af van het berekende totaal ({Ours}). Controleer de factuur.",
		en: "Invoice {Invoice} (work order {Number}): the total in e-Boekhouden ({Total}) differs {Diff} from the calculated total ({Ours}). Check the invoice."},
	"invoice.total.missing": {
		nl: "Factuur {Invoice} (werkbon {Number}) staat niet in het overzicht van vandaag in e-Boekhouden; controleer de factuur. Berekend totaal: {Ours} incl. btw.",
		en: "Invoice {Invoice} (work order {Number}) is not in today's list in e-Boekhouden; check the invoice. Calculated total: {Ours} incl. VAT."},
	"invoice.total.unread": {
		nl: "Factuur {Invoice} (werkbon {Number}): {Ours} incl. btw (berekend, niet teruggelezen).",
		en: "Invoice {Invoice} (work order {Number}): {Ours} incl. VAT (calculated, not read back)."},
	"invoices.unread": {
		nl: "De totalen van de nieuwe facturen konden niet uit e-Boekhouden worden teruggelezen; de berekende totalen staan hieronder.",
		en: "The totals of the new invoices could not be read back from e-Boekhouden; the calculated totals follow."},
	"relation.creating": {
		nl: "Relatie {Code}, {Name} wordt aangemaakt in e-Boekhouden voor werkbon {Number}.",
		en: "Relation {Code}, {Name} is being created in e-Boekhouden for work order {Number}."},
	"workorder.archived": {
		nl: "Werkbon {Number} is gearchiveerd in OutSmart en wordt niet gefactureerd.",
		en: "Work order {Number} is archived in OutSmart and is not invoiced."},
	"workorder.gone": {
		nl: "Werkbon {Number} bestaat niet meer in OutSmart; factuur {Invoice} is wel aangemaakt in e-Boekhouden.",
		en: "Work order {Number} no longer exists in OutSmart; invoice {Invoice} was created in e-Boekhouden."},
	"workorder.markfailed": {
		nl: "Werkbon {Number} (factuur {Invoice}) kon niet op Afgehandeld gezet worden; de volgende ronde probeert het opnieuw.",
		en: "Work order {Number} (invoice {Invoice}) could not be set to Afgehandeld; the next run tries again."},
	"workorder.retry": {
		nl: "Werkbon {Number}: opnieuw proberen gevraagd.",
		en: "Work order {Number}: retry asked for."},
	"workorder.confirmed": {
		nl: "Werkbon {Number}: Toch factureren bevestigd.",
		en: "Work order {Number}: Invoice anyway confirmed."},
	"workorder.skipped": {
		nl: "Werkbon {Number}: overgeslagen op verzoek.",
		en: "Work order {Number}: skipped on request."},
	"record.retry": {
		nl: "{Subject}: opnieuw proberen gevraagd.",
		en: "{Subject}: retry asked for."},
	"record.skipped": {
		nl: "{Subject}: overgeslagen op verzoek; wordt weer gemeld als de gegevens veranderen.",
		en: "{Subject}: skipped on request; reported again when its data change."},
	"dryrun": {nl: "Proefdraaien: {Text}", en: "Dry run: {Text}"},
}

func init() {
	// Run summaries (engine.Summary.Line), composed with plural forms; set
	// here because the composer renders the catalogue's causes.
	catalogue[KeySummary] = entry{compose: summary}
}

// KeySummary is the key of a run's summary line. Its arguments are counts:
// Relations, Materials, HourTypes, RelationsCreated, Invoices,
// HandledEarlier, Planned (what the run did), the open items by kind
// (OpenWorkOrders, OpenRelations, OpenMaterials, OpenHourTypes,
// OpenSettings, OpenLogin, OtherNew), and for a failed run Failed "1" with
// Cause (a message "@cause..." or, with key cause.other, CauseText).
const KeySummary = "run.summary"

func count(a Args, name string) int {
	n, _ := strconv.Atoi(a[name])
	return n
}

// plural is "1 one" or "n many".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

type pluralForm struct{ arg, nlOne, nlMany, enOne, enMany string }

func forms(lang Lang, a Args, fs []pluralForm) []string {
	var out []string
	for _, f := range fs {
		n := count(a, f.arg)
		if n <= 0 {
			continue
		}
		if lang == English {
			out = append(out, plural(n, f.enOne, f.enMany))
		} else {
			out = append(out, plural(n, f.nlOne, f.nlMany))
		}
	}
	return out
}

// summary composes a run's line: what it did, then what is still open, then
// why it stopped. A failed run never says that everything was up to date.
func summary(lang Lang, a Args) string {
	en := lang == English
	var parts []string
	synced := forms(lang, a, []pluralForm{
		{"Relations", "relatie", "relaties", "relation", "relations"},
		{"Materials", "materiaal", "materialen", "material", "materials"},
		{"HourTypes", "uursoort", "uursoorten", "hour type", "hour types"},
	})
	if len(synced) > 0 {
		parts = append(parts, strings.Join(synced, ", ")+pick(en, " gesynchroniseerd", " synchronised"))
	}
	for _, p := range forms(lang, a, []pluralForm{
		{"RelationsCreated", "relatie aangemaakt in e-Boekhouden", "relaties aangemaakt in e-Boekhouden",
			"relation created in e-Boekhouden", "relations created in e-Boekhouden"},
		{"Invoices", "factuur aangemaakt", "facturen aangemaakt", "invoice created", "invoices created"},
		{"HandledEarlier", "eerder gefactureerde werkbon afgehandeld", "eerder gefactureerde werkbonnen afgehandeld",
			"work order invoiced earlier set to Afgehandeld", "work orders invoiced earlier set to Afgehandeld"},
		{"Planned", "actie gepland (proefdraaien, niets verstuurd)", "acties gepland (proefdraaien, niets verstuurd)",
			"action planned (dry run, nothing sent)", "actions planned (dry run, nothing sent)"},
	}) {
		parts = append(parts, p)
	}
	failed := a["Failed"] != ""
	if len(parts) == 0 && !failed {
		parts = append(parts, pick(en, "Alles was al bijgewerkt", "Everything was up to date"))
	}
	parts = append(parts, forms(lang, a, []pluralForm{
		{"OpenWorkOrders", "werkbon heeft aandacht nodig", "werkbonnen hebben aandacht nodig",
			"work order needs attention", "work orders need attention"},
		{"OpenRelations", "relatie kan niet naar OutSmart", "relaties kunnen niet naar OutSmart",
			"relation cannot go to OutSmart", "relations cannot go to OutSmart"},
		{"OpenMaterials", "materiaal kan niet naar OutSmart", "materialen kunnen niet naar OutSmart",
			"material cannot go to OutSmart", "materials cannot go to OutSmart"},
		{"OpenHourTypes", "uursoort kan niet naar OutSmart", "uursoorten kunnen niet naar OutSmart",
			"hour type cannot go to OutSmart", "hour types cannot go to OutSmart"},
		{"OpenSettings", "instelling moet worden aangevuld", "instellingen moeten worden aangevuld",
			"setting needs completing", "settings need completing"},
		{"OpenLogin", "inloggegeven wordt geweigerd", "inloggegevens worden geweigerd",
			"login is refused", "logins are refused"},
		{"OtherNew", "andere melding heeft aandacht nodig", "andere meldingen hebben aandacht nodig",
			"other message needs attention", "other messages need attention"},
	})...)
	line := strings.Join(parts, "; ")
	if failed {
		cause := arg(lang, "Cause", a, 0)
		head := pick(en, "Synchronisatie afgebroken: ", "Synchronisation stopped: ") + cause
		if line == "" {
			return head
		}
		return head + " (" + line + ")"
	}
	return line
}

func pick(en bool, nl, english string) string {
	if en {
		return english
	}
	return nl
}

// fieldNames are the English names of the fields a relation may miss.
var fieldNames = map[string]string{
	"naam (Bedrijf)": "name (Company)", "adres": "address", "postcode": "postal code", "plaats": "city",
	"omschrijving": "description", "eenheid": "unit",
}

// fields renders a comma-separated list of Dutch field names in lang.
func fields(lang Lang, list string) string {
	if lang != English {
		return list
	}
	names := strings.Split(list, ", ")
	for i, n := range names {
		if e, ok := fieldNames[n]; ok {
			names[i] = e
		}
	}
	return strings.Join(names, ", ")
}

func relationRefused(lang Lang, a Args) string {
	missing := fields(lang, a["Missing"])
	if lang == English {
		return fmt.Sprintf("Relation %s, %s cannot go to OutSmart: %s missing.", a["Code"], a["Name"], missing)
	}
	return fmt.Sprintf("Relatie %s, %s kan niet naar OutSmart: %s ontbreekt.", a["Code"], a["Name"], missing)
}

func materialMissing(lang Lang, a Args) string {
	missing := fields(lang, a["Missing"])
	if lang == English {
		return missing + " missing."
	}
	return missing + " ontbreekt."
}
