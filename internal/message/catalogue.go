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
	"cause.eboekhouden.tokenexpired": {
		nl: "het API-token van e-Boekhouden is verlopen (API_SESSION_004); maak een nieuw API-token in e-Boekhouden (Beheer > Inrichting > Koppelingen > e-Boekhouden API, of Beheer > Instellingen > API/SOAP)",
		en: "the e-Boekhouden API token has expired (API_SESSION_004); make a new API token in e-Boekhouden (Beheer > Inrichting > Koppelingen > e-Boekhouden API, or Beheer > Instellingen > API/SOAP)"},
	"cause.outsmart.credentials": {
		nl: "OutSmart weigert het token; controleer het token en het software token",
		en: "OutSmart refuses the token; check the token and the software token"},
	"cause.eboekhouden.calllimit": {
		nl: "e-Boekhouden meldt dat het maximum aantal aanroepen is bereikt (E003.1, of HTTP 429 van de REST-API); de volgende ronde probeert het opnieuw",
		en: "e-Boekhouden reports that the maximum number of calls was reached (E003.1, or HTTP 429 from the REST API); the next run tries again"},
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
	"cause.eboekhouden.nottheservice": {
		nl: "geen antwoord van e-Boekhouden maar een webpagina (bijv. van een proxy of een wifi-inlogpagina); controleer de internetverbinding en de proxy",
		en: "not an answer from e-Boekhouden but a web page (from a proxy or a Wi-Fi login page, for example); check the internet connection and the proxy"},
	"cause.outsmart.nottheservice": {
		nl: "geen antwoord van OutSmart maar een webpagina (bijv. van een proxy of een wifi-inlogpagina); controleer de internetverbinding en de proxy",
		en: "not an answer from OutSmart but a web page (from a proxy or a Wi-Fi login page, for example); check the internet connection and the proxy"},
	"cause.nocredentials": {
		nl: "de inloggegevens ontbreken of zijn niet te lezen. Vul ze in bij Inloggen",
		en: "the login details are missing or cannot be read. Fill them in on the Login tab"},
	// A keychain that cannot be read or written (internal/secrets.Problem):
	// KeychainCause names one of the keychain.* causes, Detail is the
	// keychain's own redacted text for a cause Koppeling does not know.
	"keychain.unreachable": {
		nl: "de sleutelbos van het systeem is niet bereikbaar: {KeychainCause}",
		en: "the system keychain cannot be reached: {KeychainCause}"},
	"keychain.timeout": {
		nl: "de sleutelbos antwoordt niet (misschien wacht hij op een ontgrendelvenster dat niemand ziet); ontgrendel de sleutelbos, of zet de inloggegevens in de KOPPELING_*-omgevingsvariabelen",
		en: "the keychain does not answer (it may be waiting for an unlock prompt nobody sees); unlock the keychain, or put the login details in the KOPPELING_* environment variables"},
	"keychain.nosession": {
		nl: "er is geen D-Bus-sessie (bijv. op een server of in een geplande taak), dus geen sleutelbos; zet de inloggegevens in de KOPPELING_*-omgevingsvariabelen",
		en: "there is no D-Bus session (on a server or in a scheduled task, for example), so no keychain; put the login details in the KOPPELING_* environment variables"},
	"keychain.noservice": {
		nl: "er draait geen sleutelbosdienst (Secret Service, zoals gnome-keyring of KeePassXC); installeer of start er een, of zet de inloggegevens in de KOPPELING_*-omgevingsvariabelen",
		en: "no keychain service is running (Secret Service, such as gnome-keyring or KeePassXC); install or start one, or put the login details in the KOPPELING_* environment variables"},
	"keychain.locked": {
		nl: "de sleutelbos is vergrendeld; ontgrendel hem (bijv. door in te loggen op het bureaublad) en probeer opnieuw",
		en: "the keychain is locked; unlock it (by logging in to the desktop, for example) and try again"},
	"keychain.unreadable": {
		nl: "het opgeslagen item is onleesbaar; log opnieuw in",
		en: "the stored item cannot be read; log in again"},
	"keychain.other": {nl: "{Detail}", en: "{Detail}"},
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
	"login.missing": {
		nl: "De inloggegevens ontbreken of zijn onvolledig, dus Koppeling synchroniseert niet.",
		en: "The login details are missing or incomplete, so Koppeling does not synchronise."},
	"login.unreadable": {
		nl: "Koppeling kan de inloggegevens niet lezen, dus synchroniseert niet: {Cause}.",
		en: "Koppeling cannot read the login details, so it does not synchronise: {Cause}."},
	"login.missing.fix": {
		nl: "Vul de inloggegevens in op het tabblad Inloggen (daar staat ook wat er mis is) en kies daarna Opnieuw proberen.",
		en: "Fill in the login details on the Login tab (which also says what is wrong), then choose Retry."},
	"login.refused": {nl: "{Cause}.", en: "{Cause}."},
	"login.tokenexpired.fix": {
		nl: "Maak in e-Boekhouden een nieuw API-token (Beheer > Inrichting > Koppelingen > e-Boekhouden API; in sommige documenten Beheer > Instellingen > API/SOAP), vul het in op het tabblad Inloggen en kies daarna Opnieuw proberen.",
		en: "Make a new API token in e-Boekhouden (Beheer > Inrichting > Koppelingen > e-Boekhouden API; some documents say Beheer > Instellingen > API/SOAP), enter it on the Login tab, then choose Retry."},
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
	"masterdata.read": {compose: masterdataRead},
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
	// A parked work order's log line: its reason, then its fix.
	"attention.line": {nl: "{Reason} {Fix}", en: "{Reason} {Fix}"},

	// Export of work orders: log lines, and why a work order is parked
	// (reason) with what the user does (fix).
	"word.relation": {nl: "relatie", en: "relation"},
	"word.material": {nl: "materiaal", en: "material"},
	"word.hourtype": {nl: "uursoort", en: "hour type"},
	"workorder.unreadable": {
		nl: "Werkbon {Number} is onleesbaar en wordt overgeslagen: {Error}. Controleer de werkbon in OutSmart.",
		en: "Work order {Number} cannot be read and is skipped: {Error}. Check the work order in OutSmart."},
	"workorder.unreachable": {
		nl: "Werkbon {Number} (factuur {Invoice}) kon niet worden opgevraagd; de volgende ronde probeert het opnieuw.",
		en: "Work order {Number} (invoice {Invoice}) could not be read; the next run tries again."},
	"uncertain.lookupfailed": {
		nl: "Nog onbekend of de factuur voor werkbon {Number} bestaat: opzoeken in e-Boekhouden (GetFacturen) lukte niet volledig. Er is niets opnieuw verstuurd; de volgende ronde zoekt opnieuw.",
		en: "Still unknown whether the invoice for work order {Number} exists: looking it up in e-Boekhouden (GetFacturen) did not fully work. Nothing was sent again; the next run looks again."},
	"uncertain.found": {
		nl: "Factuur {Invoice} voor werkbon {Number} gevonden in e-Boekhouden na een onderbroken verzending; niet opnieuw verstuurd.",
		en: "Invoice {Invoice} for work order {Number} found in e-Boekhouden after an interrupted send; not sent again."},
	"uncertain.notfound": {
		nl: "De factuur voor werkbon {Number} is niet aangemaakt (onderbroken verzending); hij wordt opnieuw verstuurd.",
		en: "The invoice for work order {Number} was not created (interrupted send); it is sent again."},
	"workorder.waitlookup": {
		nl: "Werkbon {Number} wacht op de volgende ronde: nog onbekend of er al een factuur voor bestaat, want opzoeken in e-Boekhouden lukte niet volledig. Er is niets verstuurd.",
		en: "Work order {Number} waits for the next run: still unknown whether an invoice exists for it, as looking it up in e-Boekhouden did not fully work. Nothing was sent."},
	"workorder.waithourtypes": {
		nl: "Werkbon {Number} wacht op de volgende ronde: de uursoorten konden niet uit OutSmart worden opgehaald.",
		en: "Work order {Number} waits for the next run: the hour types could not be read from OutSmart."},
	"workorder.note.vat": {
		nl: "Werkbon {Number}: standaard btw-code {VAT} gebruikt voor {What} {Code}.",
		en: "Work order {Number}: default VAT code {VAT} used for {What} {Code}."},
	"workorder.note.ledger": {
		nl: "Werkbon {Number}: standaard omzetrekening {Ledger} gebruikt voor {What} {Code}.",
		en: "Work order {Number}: default revenue account {Ledger} used for {What} {Code}."},
	"workorder.confirmedinvoice": {
		nl: "Werkbon {Number} wordt gefactureerd zoals bevestigd (Toch factureren): {Reason}",
		en: "Work order {Number} is invoiced as confirmed (Invoice anyway): {Reason}"},
	"invoice.uncertain": {
		nl: "Werkbon {Number}: onbekend of de factuur is aangemaakt (de verbinding viel weg). De volgende ronde zoekt dit na in e-Boekhouden; er wordt niets dubbel verstuurd.",
		en: "Work order {Number}: unknown whether the invoice was created (the connection dropped). The next run looks it up in e-Boekhouden; nothing is sent twice."},
	"invoice.notsent": {
		nl: "Werkbon {Number}: niet verstuurd: {Cause}.",
		en: "Work order {Number}: not sent: {Cause}."},
	"journal.notupdated": {
		nl: "Werkbon {Number}: journaal niet bijgewerkt na Afgehandeld.",
		en: "Work order {Number}: journal not updated after Afgehandeld."},
	"relation.uncertain": {
		nl: "Onbekend of relatie {Code}, {Name} is aangemaakt (de verbinding viel weg); werkbon {Number} wacht op de volgende ronde.",
		en: "Unknown whether relation {Code}, {Name} was created (the connection dropped); work order {Number} waits for the next run."},
	"lookup.failed": {
		nl: "Bestaande facturen opzoeken in e-Boekhouden (GetFacturen) voor werkbon {Numbers}: {What}. Deze werkbonnen wachten op de volgende ronde; er wordt niets dubbel verstuurd.",
		en: "Looking up existing invoices in e-Boekhouden (GetFacturen) for work order {Numbers}: {What}. These work orders wait for the next run; nothing is sent twice."},
	"lookup.failed.what": {nl: "opzoeken lukte niet", en: "the lookup failed"},
	"lookup.cutoff.what": {nl: "het antwoord kan afgekapt zijn", en: "the answer may be cut off"},
	"adopt.duplicates": {
		nl: "Werkbon {Number} heeft {Count} facturen in e-Boekhouden ({Invoices}). Koppeling houdt factuur {Invoice} aan; controleer de andere en crediteer die zo nodig.",
		en: "Work order {Number} has {Count} invoices in e-Boekhouden ({Invoices}). Koppeling keeps invoice {Invoice}; check the others and credit them if needed."},
	"adopt.done": {
		nl: "Factuur {Invoice} voor werkbon {Number} stond al in e-Boekhouden ({Total} incl. btw) maar niet in het journaal; overgenomen en niet opnieuw verstuurd.",
		en: "Invoice {Invoice} for work order {Number} was already in e-Boekhouden ({Total} incl. VAT) but not in the journal; taken over and not sent again."},

	"park.legacy": {
		nl: "In e-Boekhouden staat al factuur {Invoice} voor werkbon {Number} van relatie {Code}, gemaakt door een eerdere versie van Koppeling (zonder uniek werkbon-id).",
		en: "e-Boekhouden already has invoice {Invoice} for work order {Number} of relation {Code}, made by an earlier version of Koppeling (without a unique work order id)."},
	"park.legacy.fix": {
		nl: "Is deze werkbon daarmee al gefactureerd, kies dan Overslaan; is het een andere werkbon met hetzelfde nummer, kies dan Toch factureren.",
		en: "If this work order was invoiced with it, choose Skip; if it is another work order with the same number, choose Invoice anyway."},
	"park.nodebtor": {
		nl: "Werkbon {Number} heeft geen debiteurnummer voor de factuur.",
		en: "Work order {Number} has no debtor number for the invoice."},
	"park.nodebtor.fix": {nl: "Kies de klant in OutSmart.", en: "Choose the customer in OutSmart."},
	"park.norelation": {
		nl: "Relatie {Code}, {Name} van werkbon {Number} bestaat niet in e-Boekhouden.",
		en: "Relation {Code}, {Name} of work order {Number} does not exist in e-Boekhouden."},
	"park.norelation.fix": {
		nl: "Maak de relatie aan in e-Boekhouden of zet 'Exporteer relaties' aan.",
		en: "Create the relation in e-Boekhouden or switch on 'Export relations'."},
	"park.codelong": {
		nl: "Debiteurnummer {Code} van werkbon {Number} is langer dan de 15 tekens die e-Boekhouden toestaat.",
		en: "Debtor number {Code} of work order {Number} is longer than the 15 characters e-Boekhouden allows."},
	"park.codelong.fix": {nl: "Maak de relatie met een korter nummer aan.", en: "Create the relation with a shorter number."},
	"park.noname": {
		nl: "Relatie {Code} van werkbon {Number} heeft geen naam in OutSmart.",
		en: "Relation {Code} of work order {Number} has no name in OutSmart."},
	"park.noname.fix": {nl: "Vul de naam aan in OutSmart.", en: "Fill in the name in OutSmart."},
	"park.relationrefused": {
		nl: "e-Boekhouden weigert relatie {Code}, {Name} voor werkbon {Number}: {Refusal}.",
		en: "e-Boekhouden refuses relation {Code}, {Name} for work order {Number}: {Refusal}."},
	"park.relationrefused.fix": {nl: "Maak de relatie zelf aan in e-Boekhouden.", en: "Create the relation yourself in e-Boekhouden."},
	"park.invoicerefused": {
		nl: "e-Boekhouden weigert de factuur voor werkbon {Number}: {Refusal}.",
		en: "e-Boekhouden refuses the invoice for work order {Number}: {Refusal}."},
	"hint.template": {
		nl: "Controleer of het factuursjabloon in de instellingen precies zo heet als in e-Boekhouden (Beheer > Sjablonen > Factuursjablonen) en kies daarna Opnieuw proberen.",
		en: "Check that the invoice template in the settings has exactly its name in e-Boekhouden (Beheer > Sjablonen > Factuursjablonen), then choose Retry."},
	"hint.vat": {
		nl: "Controleer de btw-code van het product in e-Boekhouden of de standaard btw-code in de instellingen en kies daarna Opnieuw proberen.",
		en: "Check the product's VAT code in e-Boekhouden or the default VAT code in the settings, then choose Retry."},
	"hint.ledger": {
		nl: "Controleer of de omzetrekening bestaat in e-Boekhouden en kies daarna Opnieuw proberen.",
		en: "Check that the revenue account exists in e-Boekhouden, then choose Retry."},
	"hint.relation": {
		nl: "Controleer de relatie in e-Boekhouden of zet 'Exporteer relaties' aan en kies daarna Opnieuw proberen.",
		en: "Check the relation in e-Boekhouden or switch on 'Export relations', then choose Retry."},
	"hint.other": {
		nl: "Pas de gegevens aan en kies daarna Opnieuw proberen.",
		en: "Correct the data, then choose Retry."},
	"park.vatnotsales": {
		nl: "De btw-code \"{VAT}\" bij {What} {Code} is geen verkoopcode van e-Boekhouden.",
		en: "VAT code \"{VAT}\" of {What} {Code} is not a sales code of e-Boekhouden."},
	"park.vatnotsales.fix": {
		nl: "Pas de btw-code van het product aan in e-Boekhouden.",
		en: "Change the product's VAT code in e-Boekhouden."},
	"park.materialline": {
		nl: "Werkbon {Number} heeft een materiaalregel zonder code en omschrijving.",
		en: "Work order {Number} has a material line without code and description."},
	"park.materialline.fix": {nl: "Vul die aan in OutSmart.", en: "Complete it in OutSmart."},
	"park.nohourtype": {
		nl: "Werkbon {Number} heeft uren zonder uursoort.",
		en: "Work order {Number} has hours without an hour type."},
	"park.nohourtype.fix": {nl: "Kies de uursoort in OutSmart.", en: "Choose the hour type in OutSmart."},
	"park.unknownhourtype": {
		nl: "Werkbon {Number} gebruikt uursoort \"{Code}\", die niet in e-Boekhouden of OutSmart bestaat.",
		en: "Work order {Number} uses hour type \"{Code}\", which exists neither in e-Boekhouden nor in OutSmart."},
	"park.unknownhourtype.fix": {
		nl: "Maak de uursoort aan in e-Boekhouden (eenheid uur).",
		en: "Create the hour type in e-Boekhouden (unit hour)."},
	"park.hoursamount": {
		nl: "Werkbon {Number}: het bedrag van {Hours} uur à {Price} past niet in een factuur.",
		en: "Work order {Number}: the amount of {Hours} hours at {Price} does not fit in an invoice."},
	"park.hoursamount.fix": {
		nl: "Controleer de uren en de prijs van uursoort {Code}.",
		en: "Check the hours and the price of hour type {Code}."},
	"park.empty": {
		nl: "Werkbon {Number} heeft geen materialen of uren om te factureren.",
		en: "Work order {Number} has no materials or hours to invoice."},
	"park.empty.fix": {
		nl: "Vul de werkbon aan in OutSmart, of kies Overslaan.",
		en: "Complete the work order in OutSmart, or choose Skip."},
	"park.toolarge": {
		nl: "Werkbon {Number}: de bedragen zijn te groot voor een factuur ({Error}).",
		en: "Work order {Number}: the amounts are too large for an invoice ({Error})."},
	"park.toolarge.fix": {
		nl: "Controleer de aantallen en prijzen in OutSmart.",
		en: "Check the quantities and prices in OutSmart."},
	"implausible.negative": {
		nl: "Werkbon {Number} heeft een negatief totaal ({Total} incl. btw).",
		en: "Work order {Number} has a negative total ({Total} incl. VAT)."},
	"implausible.noamount": {
		nl: "Werkbon {Number} heeft een regel ({Line}) waarvan het bedrag niet te berekenen is.",
		en: "Work order {Number} has a line ({Line}) whose amount cannot be calculated."},
	"implausible.line": {
		nl: "Werkbon {Number} heeft een regel van {Amount} ({Line}: {Quantity} × {Price}), meer dan het hoogste regelbedrag zonder bevestiging ({Limit}).",
		en: "Work order {Number} has a line of {Amount} ({Line}: {Quantity} × {Price}), more than the highest line amount without confirmation ({Limit})."},
	"implausible.fix": {
		nl: "Controleer de werkbon in OutSmart, of kies Toch factureren als het klopt.",
		en: "Check the work order in OutSmart, or choose Invoice anyway if it is right."},

	// Dry runs: what would be done.
	"plan.send": {nl: "{Kind} {Code} naar OutSmart sturen", en: "send {Kind} {Code} to OutSmart"},
	"plan.markinvoiced": {
		nl: "werkbon {Number} markeren als gefactureerd (factuur {Invoice} gevonden)",
		en: "mark work order {Number} as invoiced (invoice {Invoice} found)"},
	"plan.resend": {
		nl: "factuur voor werkbon {Number} opnieuw versturen (niet gevonden in e-Boekhouden)",
		en: "send the invoice for work order {Number} again (not found in e-Boekhouden)"},
	"plan.invoice": {
		nl: "factuur aanmaken voor werkbon {Number} aan relatie {Code}, {Name}: {Lines} regels, totaal {Total} incl. btw",
		en: "create an invoice for work order {Number} to relation {Code}, {Name}: {Lines} lines, total {Total} incl. VAT"},
	"plan.mark": {
		nl: "werkbon {Number} op Afgehandeld zetten in OutSmart (factuur {Invoice})",
		en: "set work order {Number} to Afgehandeld in OutSmart (invoice {Invoice})"},
	"plan.relation": {
		nl: "relatie {Code}, {Name} aanmaken in e-Boekhouden",
		en: "create relation {Code}, {Name} in e-Boekhouden"},
	// The desktop app's preview (engine/approval.go): a run whose invoices
	// wait for the user's approval.
	"export.awaiting": {
		nl: "{Count} facturen wachten op uw akkoord: er is niets naar e-Boekhouden verstuurd. Kies Bekijken om ze te zien en aan te maken.",
		en: "{Count} invoices await your approval: nothing was sent to e-Boekhouden. Choose View to see and create them."},
	"export.awaiting.one": {
		nl: "1 factuur wacht op uw akkoord: er is niets naar e-Boekhouden verstuurd. Kies Bekijken om hem te zien en aan te maken.",
		en: "1 invoice awaits your approval: nothing was sent to e-Boekhouden. Choose View to see and create it."},
	"export.approved": {
		nl: "Goedgekeurd: {Count} facturen worden aangemaakt zoals bekeken.",
		en: "Approved: {Count} invoices are created as previewed."},
	"plan.adopt": {
		nl: "factuur {Invoice} voor werkbon {Number} overnemen uit e-Boekhouden (niet opnieuw versturen)",
		en: "take over invoice {Invoice} for work order {Number} from e-Boekhouden (not sending it again)"},

	// The invoice overview (issue 18): its status read, and the words of
	// "koppeling invoices".
	"invoices.status.unread": {
		nl: "De betaalstatus van de facturen is niet gelezen: {Cause}; het overzicht Facturen toont de vorige stand.",
		en: "The payment status of the invoices was not read: {Cause}; the Invoices overview shows the previous status."},
	"invoices.header": {
		nl: "Werkbon|Factuur|Datum|Klant|Totaal|Betaald|Open|Status|Vervaldatum|E-mail",
		en: "Work order|Invoice|Date|Customer|Total|Paid|Open|Status|Due date|E-mail"},
	"invoices.none":            {nl: "Nog geen facturen.", en: "No invoices yet."},
	"invoices.none.open":       {nl: "Geen openstaande facturen.", en: "No unpaid invoices."},
	"invoices.termassumed":     {nl: "* vervaldatum met de huidige betalingstermijn ({Days} dagen): de termijn van de factuur zelf is niet bewaard", en: "* due date with the current payment term ({Days} days): the invoice's own term was not kept"},
	"invoices.checked":         {nl: "Betaalstatus van {Time}.", en: "Payment status as of {Time}."},
	"invoices.notchecked":      {nl: "De betaalstatus is nog niet gelezen; dat gebeurt aan het eind van de volgende synchronisatie.", en: "The payment status has not been read yet; that happens at the end of the next synchronisation."},
	"invoices.state.open":      {nl: "openstaand", en: "open"},
	"invoices.state.partly":    {nl: "deels betaald", en: "partly paid"},
	"invoices.state.paid":      {nl: "betaald", en: "paid"},
	"invoices.state.overdue":   {nl: "vervallen", en: "overdue"},
	"invoices.state.notbooked": {nl: "niet geboekt", en: "not booked"},
	"invoices.state.settled":   {nl: "betaald of niet geboekt", en: "paid or not booked"},
	"invoices.state.unknown":   {nl: "onbekend", en: "unknown"},
}

func init() {
	// Run summaries (engine.Summary.Line), composed with plural forms; set
	// here because the composer renders the catalogue's causes.
	catalogue[KeySummary] = entry{compose: summary}
	catalogue[KeyOpenItems] = entry{compose: openItems}
	catalogue[KeyProgress] = entry{compose: progress}
}

// KeyProgress is the key of a long read's progress ("Relaties ophalen:
// 6.000 van ongeveer 15.000"). Arguments: Kind ("relations" or
// "products"), Read (records read so far) and About (the number expected,
// "0" or absent when not known yet).
const KeyProgress = "progress.masterdata"

func progress(lang Lang, a Args) string {
	en := lang == English
	what := pick(en, "Relaties ophalen", "Reading relations")
	if a["Kind"] == "products" {
		what = pick(en, "Producten ophalen", "Reading products")
	}
	read, about := count(a, "Read"), count(a, "About")
	if about > 0 {
		return fmt.Sprintf("%s: %s %s %s", what, Number(lang, read), pick(en, "van ongeveer", "of about"), Number(lang, about))
	}
	return fmt.Sprintf("%s: %s %s", what, Number(lang, read), pick(en, "gelezen", "read"))
}

// masterdataRead says that a large administration's master data was read
// whole (Kind "relations" or "products", Count, Calls, Cap, Runs).
func masterdataRead(lang Lang, a Args) string {
	n, calls, limit := Number(lang, count(a, "Count")), Number(lang, count(a, "Calls")), Number(lang, count(a, "Cap"))
	if lang == English {
		what := pick(a["Kind"] == "products", "relations", "products")
		return fmt.Sprintf("All %s %s read from e-Boekhouden, in %s requests (e-Boekhouden returns at most %s per request). From now on each run reads a part again: a change reaches OutSmart within %s runs.",
			n, what, calls, limit, a["Runs"])
	}
	what := pick(a["Kind"] == "products", "relaties", "producten")
	return fmt.Sprintf("Alle %s %s gelezen uit e-Boekhouden, in %s opvragingen (e-Boekhouden geeft hoogstens %s per opvraging). Voortaan leest elke ronde een deel opnieuw: een wijziging komt binnen %s rondes in OutSmart.",
		n, what, calls, limit, a["Runs"])
}

// Number writes a whole number with thousands separators: "15.000" in
// Dutch, "15,000" in English.
func Number(lang Lang, n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	sep := "."
	if lang == English {
		sep = ","
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// KeySummary is the key of a run's summary line. Its arguments are counts:
// Relations, Materials, HourTypes, RelationsCreated, Invoices,
// HandledEarlier, Planned (what the run did), Awaiting (invoices that wait
// for the user's approval), the open items by kind
// (OpenWorkOrders, OpenRelations, OpenMaterials, OpenHourTypes,
// OpenSettings, OpenLogin, OtherNew), and for a failed run Failed "1" with
// Cause (a message "@cause..." or, with key cause.other, CauseText).
const KeySummary = "run.summary"

// KeyOpenItems renders only the open items of a summary's arguments (for a
// notification of what needs the user).
const KeyOpenItems = "run.open"

func count(a Args, name string) int {
	n, _ := strconv.Atoi(a[name])
	return n
}

// plural is "1 one" or "n many", n grouped as the language writes it
// ("15.035 relaties", "15,035 relations").
func plural(lang Lang, n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Number(lang, n) + " " + many
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
			out = append(out, plural(lang, n, f.enOne, f.enMany))
		} else {
			out = append(out, plural(lang, n, f.nlOne, f.nlMany))
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
	parts = append(parts, forms(lang, a, []pluralForm{
		{"RelationsCreated", "relatie aangemaakt in e-Boekhouden", "relaties aangemaakt in e-Boekhouden",
			"relation created in e-Boekhouden", "relations created in e-Boekhouden"},
		{"Invoices", "factuur aangemaakt", "facturen aangemaakt", "invoice created", "invoices created"},
		{"HandledEarlier", "eerder gefactureerde werkbon afgehandeld", "eerder gefactureerde werkbonnen afgehandeld",
			"work order invoiced earlier set to Afgehandeld", "work orders invoiced earlier set to Afgehandeld"},
		{"Planned", "actie gepland (proefdraaien, niets verstuurd)", "acties gepland (proefdraaien, niets verstuurd)",
			"action planned (dry run, nothing sent)", "actions planned (dry run, nothing sent)"},
		{"Awaiting", "factuur wacht op uw akkoord", "facturen wachten op uw akkoord",
			"invoice awaits your approval", "invoices await your approval"},
	})...)
	failed := a["Failed"] != ""
	if len(parts) == 0 && !failed {
		parts = append(parts, pick(en, "Alles was al bijgewerkt", "Everything was up to date"))
	}
	parts = append(parts, forms(lang, a, openForms)...)
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

// openForms are the summary's parts for what is still open.
var openForms = []pluralForm{
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
	{"OpenLogin", "dienst weigert de inloggegevens", "diensten weigeren de inloggegevens",
		"service refuses the login details", "services refuse the login details"},
	{"OtherNew", "andere melding heeft aandacht nodig", "andere meldingen hebben aandacht nodig",
		"other message needs attention", "other messages need attention"},
}

// openItems composes what is still open, alone ("2 relaties kunnen niet
// naar OutSmart"); empty when nothing is. Its arguments are the summary's.
func openItems(lang Lang, a Args) string {
	return strings.Join(forms(lang, a, openForms), "; ")
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
