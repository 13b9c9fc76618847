package message

// deliveryMessages are the messages of e-mailed invoices and of the start
// date (export.email, export.workorders_from), kept apart from the main
// catalogue and added to it at start.
var deliveryMessages = map[string]entry{
	"workorder.beforestart": {
		nl: "Werkbon {Number} van {Date} valt voor de startdatum {Start} en wordt niet gefactureerd.",
		en: "Work order {Number} of {Date} is before the start date {Start} and is not invoiced."},
	"plan.beforestart": {
		nl: "werkbon {Number} van {Date} niet factureren (voor de startdatum {Start})",
		en: "not invoicing work order {Number} of {Date} (before the start date {Start})"},
	"plan.email": {
		nl: "factuur voor werkbon {Number} per e-mail laten versturen naar {Address}",
		en: "have the invoice for work order {Number} e-mailed to {Address}"},
	"park.noemail": {
		nl: "Relatie {Code}, {Name} heeft geen e-mailadres; de factuur voor werkbon {Number} kan niet per e-mail verstuurd worden.",
		en: "Relation {Code}, {Name} has no e-mail address; the invoice for work order {Number} cannot be e-mailed."},
	"hint.emailtemplate": {
		nl: "Kies onder Export instellingen > E-mail instellen… een e-mailsjabloon dat e-Boekhouden voor facturen heeft, of geen, en kies daarna Opnieuw proberen.",
		en: "Under Export settings > Set up e-mail…, choose an e-mail template e-Boekhouden has for invoices, or none, then choose Retry."},
	"park.noemail.fix": {
		nl: "Vul het e-mailadres van de relatie in e-Boekhouden in, of zet 'Factuur per e-mail versturen' uit.",
		en: "Fill in the relation's e-mail address in e-Boekhouden, or turn off 'E-mail the invoice'."},
}

func init() {
	for k, e := range deliveryMessages {
		catalogue[k] = e
	}
}
