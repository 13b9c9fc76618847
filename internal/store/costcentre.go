package store

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file owns the cost centre setting (export.cost_centre): the
// e-Boekhouden cost centre (kostenplaats) the invoice lines are booked on,
// stored by its id together with its description as it was when chosen,
// as one text: "2201 Installatie", or "" for none. The id is what an
// invoice line carries (REST costCenterId, an int32; SOAP KostenplaatsID);
// the description lets a screen and the log name a cost centre that can no
// longer be looked up. Whether the id exists in the administration is not
// the store's to know: the window checks it against e-Boekhouden's list
// before it saves (internal/backend).

// The refusals of a cost centre by the check against the administration
// (SettingError.Rule; internal/backend makes them).
const (
	// RuleCostCentreUnknown: the administration has no active cost centre
	// with the id.
	RuleCostCentreUnknown = "cost_centre_unknown"
	// RuleCostCentreUnchecked: the administration's cost centres could not
	// be read, so the id could not be checked.
	RuleCostCentreUnchecked = "cost_centre_unchecked"
)

// costCentrePattern is an id from 1 without leading zeros, then optionally
// the description after white space.
var costCentrePattern = regexp.MustCompile(`^([1-9][0-9]{0,9})(?:\s+(\S.*))?$`)

// costCentreMaxDescription bounds the description kept with the id.
// [inferred: the REST reference names COST_004 "too long" without a limit]
const costCentreMaxDescription = 100

// CostCentreValue is the setting's text for a cost centre: "" for id 0.
func CostCentreValue(id int64, description string) string {
	if id == 0 {
		return ""
	}
	description = strings.Join(strings.Fields(description), " ")
	if description == "" {
		return strconv.FormatInt(id, 10)
	}
	return strconv.FormatInt(id, 10) + " " + description
}

// ParseCostCentre reads the setting's text: the id (0 for "") and the
// description. The error is Dutch and names the form.
func ParseCostCentre(v string) (id int64, description string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, "", nil
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return 0, "", errors.New("de tekst bevat een stuurteken")
	}
	m := costCentrePattern.FindStringSubmatch(v)
	if m == nil {
		return 0, "", errors.New("de kostenplaats is het nummer van een kostenplaats uit e-Boekhouden, eventueel met de omschrijving erachter (bijvoorbeeld 2201 Installatie), of leeg voor geen")
	}
	id, err = strconv.ParseInt(m[1], 10, 64)
	if err != nil || id > math.MaxInt32 {
		return 0, "", errors.New("het nummer van de kostenplaats is te groot")
	}
	description = strings.Join(strings.Fields(m[2]), " ")
	if len([]rune(description)) > costCentreMaxDescription {
		return 0, "", errors.New("de omschrijving van de kostenplaats mag hoogstens 100 tekens zijn")
	}
	return id, description, nil
}

func costCentreDef() settingDef {
	return settingDef{
		key: KeyCostCentre, def: "",
		parse: func(v string) (string, error) {
			id, desc, err := ParseCostCentre(v)
			if err != nil {
				return "", err
			}
			return CostCentreValue(id, desc), nil
		},
		get: func(s *Settings) string { return CostCentreValue(s.CostCentreID, s.CostCentre) },
		set: func(s *Settings, v string) { s.CostCentreID, s.CostCentre, _ = ParseCostCentre(v) },
	}
}
