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
	"links.last": {
		nl: "\"{Name}\" is de enige koppeling en blijft daarom bestaan; begin opnieuw met \"koppeling store reset\"",
		en: "\"{Name}\" is the only link and therefore stays; start over with \"koppeling store reset\""},
}
