package message

// This file owns the texts about several links (issue 18): the names a
// link may have, the links file, and the command line's selection of a
// link. They are kept apart from catalogue.go so that the links work
// merges as one addition.

func init() {
	for k, e := range linkMessages {
		catalogue[k] = e
	}
}

var linkMessages = map[string]entry{
	"link.name.empty": {
		nl: "geef de koppeling een naam",
		en: "give the link a name"},
	"link.name.long": {
		nl: "de naam is te lang: hoogstens {Max} tekens",
		en: "the name is too long: {Max} characters at most"},
	"link.name.taken": {
		nl: "er is al een koppeling met de naam \"{Name}\"",
		en: "there already is a link named \"{Name}\""},
	"links.damaged": {
		nl: "het bestand met de koppelingen ({Path}) is onleesbaar: {Detail}. Koppeling vervangt het niet; zet een reservekopie terug of herstel het bestand",
		en: "the file with the links ({Path}) cannot be read: {Detail}. Koppeling does not replace it; restore a backup or repair the file"},
	"links.unknown": {
		nl: "er is geen koppeling met de naam \"{Name}\"; de koppelingen zijn: {Names}",
		en: "there is no link named \"{Name}\"; the links are: {Names}"},
	"links.choose": {
		nl: "er zijn meerdere koppelingen; kies er een met --link NAAM of KOPPELING_LINK=NAAM: {Names}",
		en: "there are several links; choose one with --link NAME or KOPPELING_LINK=NAME: {Names}"},
	"links.none": {
		nl: "er is geen koppeling; maak er een met \"koppeling links add NAAM\"",
		en: "there is no link; make one with \"koppeling links add NAME\""},
	"links.flag.value": {
		nl: "--link heeft een naam nodig: --link NAAM",
		en: "--link needs a name: --link NAME"},
	"links.added": {
		nl: "Koppeling \"{Name}\" toegevoegd; de gegevens staan in {Folder}.\nLog in voor deze koppeling met: koppeling --link \"{Name}\" login",
		en: "Link \"{Name}\" added; its data are in {Folder}.\nLog in for this link with: koppeling --link \"{Name}\" login"},
	"links.renamed": {
		nl: "Koppeling \"{Name}\" heet nu \"{NewName}\".",
		en: "Link \"{Name}\" is now called \"{NewName}\"."},
	"links.remove.app": {
		nl: "Koppeling draait nog (venster of systeemvak). Sluit Koppeling eerst af en probeer het opnieuw. Er is niets veranderd.",
		en: "Koppeling is still running (window or system tray). Quit Koppeling first and try again. Nothing was changed."},
	"links.remove.sync": {
		nl: "er loopt nu een synchronisatie van \"{Name}\". Probeer het opnieuw als die klaar is. Er is niets veranderd.",
		en: "a synchronisation of \"{Name}\" is running now. Try again when it has finished. Nothing was changed."},
	"links.remove.yes": {
		nl: "bevestig het verwijderen van \"{Name}\" met --yes (er is geen terminal om het te vragen). Er is niets veranderd.",
		en: "confirm the removal of \"{Name}\" with --yes (there is no terminal to ask on). Nothing was changed."},
	"links.remove.ask.keep": {
		nl: "Koppeling \"{Name}\" verwijderen? De opslag en de inloggegevens blijven bewaard. (ja/nee): ",
		en: "Remove link \"{Name}\"? Its store and login details are kept. (ja/nee): "},
	"links.remove.ask.purge": {
		nl: "Koppeling \"{Name}\" verwijderen? De opslag (instellingen, journaal, logboek) en de inloggegevens worden gewist. (ja/nee): ",
		en: "Remove link \"{Name}\"? Its store (settings, journal, log) and login details are erased. (ja/nee): "},
	"links.remove.no": {
		nl: "Er is niets verwijderd.",
		en: "Nothing was removed."},
	"links.removed": {
		nl: "Koppeling \"{Name}\" is verwijderd uit Koppeling.\nBewaard: de opslag in {Folder} en de inloggegevens in de sleutelbos (item {Service}).",
		en: "Link \"{Name}\" is removed from Koppeling.\nKept: its store in {Folder} and its login details in the keychain (item {Service})."},
	"links.purged": {
		nl: "Koppeling \"{Name}\" is verwijderd; haar opslag en inloggegevens zijn gewist.",
		en: "Link \"{Name}\" is removed; its store and login details are erased."},
	"links.purge.store": {
		nl: "de koppeling is verwijderd, maar de opslag wissen lukte niet: {Detail}",
		en: "the link is removed, but erasing its store failed: {Detail}"},
	"links.purge.keychain": {
		nl: "de koppeling en haar opslag zijn verwijderd, maar de inloggegevens wissen lukte niet: {Detail}",
		en: "the link and its store are removed, but erasing its login details failed: {Detail}"},
	"links.last": {
		nl: "\"{Name}\" is de enige koppeling en blijft daarom bestaan; begin opnieuw met \"koppeling store reset\"",
		en: "\"{Name}\" is the only link and therefore stays; start over with \"koppeling store reset\""},
}
