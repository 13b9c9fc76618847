package eboekhouden

import (
	"slices"
	"strings"
	"testing"
)

// fillTexts follows the WSDL order and falls back to a lookup: records in
// any order, with repeats and unknown elements, read as encoding/xml reads
// them.
func TestFillTextsAnyOrderMatchesEncodingXML(t *testing.T) {
	fields := []string{"<ID>7</ID>", "<Code>K1</Code>", "<Bedrijf>A</Bedrijf>", "<Plaats>B</Plaats>", "<Gb_ID>3</Gb_ID>", "<NieuwsbriefgroepenCount>2</NieuwsbriefgroepenCount>"}
	reversed := slices.Clone(fields)
	slices.Reverse(reversed)
	for name, record := range map[string][]string{
		"in order":            fields,
		"reversed":            reversed,
		"repeat after":        append(slices.Clone(fields), "<Code>K2</Code>"),
		"repeat before":       append([]string{"<Plaats>X</Plaats>"}, fields...),
		"unknown in between":  {"<ID>7</ID>", "<Extra>x</Extra>", "<Code>K1</Code>", "<Onbekend />", "<Bedrijf>A</Bedrijf>"},
		"last field first":    append([]string{"<NieuwsbriefgroepenCount>5</NieuwsbriefgroepenCount>"}, fields[:3]...),
		"only unknown fields": {"<X>1</X>", "<Y>2</Y>"},
	} {
		t.Run(name, func(t *testing.T) {
			raw := envelope(`<GetRelatiesResponse xmlns="http://www.e-boekhouden.nl/soap"><GetRelatiesResult><Relaties><cRelatie>` +
				strings.Join(record, "") + `</cRelatie></Relaties></GetRelatiesResult></GetRelatiesResponse>`)
			// The shape check refuses unknown elements in a list answer;
			// the fill itself is compared on the lenient path too.
			var mine, std getRelatiesResponse
			d, err := parseXML(raw)
			if err != nil {
				t.Fatal(err)
			}
			el, err := bodyElement(d)
			if err != nil {
				t.Fatal(err)
			}
			mine.fill(d, el)
			if err := stdDecode(opGetRelaties, raw, &std); err != nil {
				t.Fatal(err)
			}
			if len(mine.Result.Relations) != 1 || mine.Result.Relations[0] != std.Result.Relations[0] {
				t.Fatalf("reader %+v\nencoding/xml %+v", mine.Result.Relations, std.Result.Relations)
			}
			compareWithStd(t, opGetRelaties, raw)
		})
	}
}
